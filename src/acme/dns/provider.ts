import { createHash } from 'node:crypto';

/**
 * A DNS provider publishes the DNS-01 TXT record (RFC 8555 §8.4) and removes it afterwards.
 * `domain` is the name being validated (without `*.`); `keyAuth` is the key authorization, from
 * which `dnsRecord` derives the record name and value.
 */
export interface DnsProvider {
  present(domain: string, token: string, keyAuth: string): Promise<void>;
  cleanup(domain: string, token: string, keyAuth: string): Promise<void>;
  /** How long to wait for propagation before giving up (ms); a default applies when absent. */
  propagationTimeout?: number;
}

/** Builds a provider from environment variables, as lego's providers are configured. */
export type DnsProviderFactory = (env: NodeJS.ProcessEnv) => DnsProvider;

/** The TXT record for a DNS-01 challenge: `_acme-challenge.<domain>.` and base64url(SHA-256(keyAuth)). */
export function dnsRecord(domain: string, keyAuth: string): { fqdn: string; value: string } {
  const bare = domain.replace(/^\*\./, '').replace(/\.$/, '');
  return { fqdn: `_acme-challenge.${bare}.`, value: createHash('sha256').update(keyAuth).digest('base64url') };
}

/** Reads a required environment variable or throws naming it. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string, provider: string): string {
  const value = env[name];
  if (!value) throw new Error(`DNS provider "${provider}" needs the ${name} environment variable`);
  return value;
}

/** Reads an optional duration in seconds from the environment (lego's `*_PROPAGATION_TIMEOUT` style), in ms. */
export function envSeconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return env[name] && Number.isFinite(value) ? value * 1000 : undefined;
}
