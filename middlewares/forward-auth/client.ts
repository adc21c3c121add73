import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Agent } from 'undici';
import type { ForwardAuthConfig } from './schema.js';

/** Traefik's FileOrContent: PEM text as is, anything else read as a file path. */
function fileOrContent(value: string, key: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new Error(`${key}: cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The connection pool to the auth server, disposed when no routing table uses the middleware any more. */
export interface AuthClient {
  agent: Agent;
  dispose(): Promise<void>;
}

/** Checks the address and TLS options and builds the pool; throws naming the key at fault. */
export function createAuthClient(config: ForwardAuthConfig): AuthClient {
  let url: URL;
  try {
    url = new URL(config.address);
  } catch {
    throw new Error(`address: "${config.address}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`address: "${config.address}" must be an http or https URL`);
  const tls = config.tls ?? {};
  if (Boolean(tls.cert) !== Boolean(tls.key)) throw new Error('tls: cert and key must be set together');
  const connect = {
    ...(tls.ca ? { ca: fileOrContent(tls.ca, 'tls.ca') } : {}),
    ...(tls.cert ? { cert: fileOrContent(tls.cert, 'tls.cert') } : {}),
    ...(tls.key ? { key: fileOrContent(tls.key, 'tls.key') } : {}),
    rejectUnauthorized: tls.insecureSkipVerify !== true,
  };
  for (const key of ['ca', 'cert'] as const) {
    // Node ignores CA text that is not PEM, which would silently trust nothing.
    const value = connect[key];
    if (value !== undefined && !value.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`tls.${key}: "${tls[key]}" holds no PEM certificate`);
  }
  try {
    createSecureContext(connect);
  } catch (error) {
    throw new Error(`tls: unusable certificate, key or CA: ${(error as Error).message}`);
  }
  // Traefik gives the whole auth call 30 s.
  const agent = new Agent({ connect, headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { agent, dispose: () => agent.close() };
}
