import type * as acme from 'acme-client';
import { loadAcmeClient } from '../lazy-modules.js';
import type { ChallengeResponders } from './challenges.js';
import type { WantedDomain } from './domains.js';
import type { DnsProvider } from './dns/provider.js';
import { dnsRecord } from './dns/provider.js';
import { waitForTxt } from './dns/propagation.js';
import { createKey } from './acme-client.js';
import type { AcmeResolverConfig } from './resolver-config.js';

const DEFAULT_PROPAGATION_TIMEOUT = 60_000;

/** What an order needs besides the client. */
export interface OrderContext {
  config: AcmeResolverConfig;
  responders: ChallengeResponders;
  dns?: DnsProvider;
  signal?: AbortSignal;
}

/**
 * Orders one certificate (RFC 8555 §7.4): solves each authorization with the resolver's challenge
 * (DNS-01 first when configured, then HTTP-01, then TLS-ALPN-01; wildcards only over DNS-01),
 * keeps every answer published until the order is finalized, then cleans up.
 */
export async function orderCertificate(client: acme.Client, domain: WantedDomain, ctx: OrderContext): Promise<{ certificate: string; key: string }> {
  const names = [domain.main, ...domain.sans];
  const profile = await chosenProfile(client, ctx.config);
  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })), ...(profile && { profile }) });
  const authorizations = await client.getAuthorizations(order);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    await Promise.all(
      authorizations.map(async (authz) => {
        if (authz.status === 'valid') return;
        const challenge = pickChallenge(authz, ctx.config);
        // acme-client returns the dns-01 digest already; providers get the raw key authorization (lego's contract).
        const keyAuthorization = await client.getChallengeKeyAuthorization({ ...challenge, type: 'http-01' });
        cleanups.push(await publish(authz, challenge, keyAuthorization, ctx));
        // Worker mode: the data-plane processes must serve the answer (and hold a TLS-ALPN-01 certificate) before the CA connects.
        await ctx.responders.relayed();
        await delayFor(challenge.type, ctx.config);
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(challenge);
      }),
    );
    const key = await createKey(ctx.config.keyType);
    const csr = await certificateRequest(domain, key, ctx.config);
    const finalized = await client.finalizeOrder(order, csr);
    // RFC 8555 §7.4.2: alternate chains come as Link rel="alternate"; acme-client picks the one naming the issuer.
    const certificate = await client.getCertificate(finalized, ctx.config.preferredChain);
    return { certificate, key };
  } finally {
    await Promise.allSettled(cleanups.map((c) => c()));
  }
}

/** The CSR for a domain; with disableCommonName the subject stays empty and the names live in the SANs only (RFC 8555 §7.4 allows either). */
export async function certificateRequest(domain: WantedDomain, key: string, config: Pick<AcmeResolverConfig, 'disableCommonName'>): Promise<Buffer> {
  const [, csr] = await loadAcmeClient().crypto.createCsr({ ...(!config.disableCommonName && { commonName: domain.main }), altNames: [domain.main, ...domain.sans] }, key);
  return csr;
}

/**
 * The profile to send: the configured one, refused when the CA lists profiles without it. A CA that lists
 * none (the draft is recent) gets no profile field, so the order still succeeds with its default.
 */
export async function chosenProfile(client: acme.Client, config: AcmeResolverConfig): Promise<string | undefined> {
  if (!config.profile) return undefined;
  const http = (client as unknown as { api: { http: { getMetaField(field: string): Promise<unknown> } } }).api.http;
  const offered = (await http.getMetaField('profiles')) as Record<string, string> | null;
  if (!offered) return undefined;
  if (!(config.profile in offered)) throw new Error(`profile "${config.profile}" is not offered by the CA (it offers ${Object.keys(offered).join(', ') || 'none'})`);
  return config.profile;
}

function pickChallenge(authz: acme.Authorization, config: AcmeResolverConfig) {
  const offered = new Map<string, acme.Authorization['challenges'][number]>(authz.challenges.map((c) => [c.type as string, c]));
  const wanted: string[] = [];
  if (config.dnsChallenge) wanted.push('dns-01');
  if (!authz.wildcard) {
    if (config.httpChallenge) wanted.push('http-01');
    if (config.tlsChallenge) wanted.push('tls-alpn-01');
  }
  for (const type of wanted) {
    const challenge = offered.get(type);
    if (challenge) return challenge;
  }
  const name = `${authz.wildcard ? '*.' : ''}${authz.identifier.value}`;
  throw new Error(`no usable challenge for ${name}: the CA offers ${[...offered.keys()].join(', ') || 'none'}, the resolver has ${wanted.join(', ') || 'none'}${authz.wildcard ? ' (wildcards need dnsChallenge)' : ''}`);
}

async function publish(authz: acme.Authorization, challenge: acme.Authorization['challenges'][number], keyAuthorization: string, ctx: OrderContext): Promise<() => Promise<void>> {
  const name = authz.identifier.value;
  if (challenge.type === 'http-01') {
    const remove = ctx.responders.addHttp(challenge.token, keyAuthorization);
    return async () => remove();
  }
  if ((challenge.type as string) === 'tls-alpn-01') {
    const [key, cert] = await loadAcmeClient().crypto.createAlpnCertificate(authz, keyAuthorization);
    const remove = ctx.responders.addAlpn(name, { cert: cert.toString(), key: key.toString() });
    return async () => remove();
  }
  const dns = ctx.dns!;
  const dnsConfig = ctx.config.dnsChallenge!;
  await dns.present(name, challenge.token, keyAuthorization);
  const cleanup = () => dns.cleanup(name, challenge.token, keyAuthorization);
  try {
    if (dnsConfig.delayBeforeChecks > 0) await new Promise((r) => setTimeout(r, dnsConfig.delayBeforeChecks));
    if (!dnsConfig.disableChecks) {
      const { fqdn, value } = dnsRecord(name, keyAuthorization);
      await waitForTxt(fqdn, value, dnsConfig.resolvers, dns.propagationTimeout ?? DEFAULT_PROPAGATION_TIMEOUT, ctx.signal);
    }
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
  return cleanup;
}

async function delayFor(type: string, config: AcmeResolverConfig): Promise<void> {
  const delay = type === 'http-01' ? config.httpChallenge?.delay : type === 'tls-alpn-01' ? config.tlsChallenge?.delay : 0;
  if (delay) await new Promise((r) => setTimeout(r, delay));
}
