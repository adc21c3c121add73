import { dnsRecord, envSeconds, requireEnv, type DnsProvider, type DnsProviderFactory } from './provider.js';

/**
 * `httpreq`: POSTs JSON `{fqdn, value}` to `$HTTPREQ_ENDPOINT/present` and `/cleanup` (lego's
 * contract), or `{domain, token, keyAuth}` with `HTTPREQ_MODE=RAW`; basic auth from
 * `HTTPREQ_USERNAME`/`HTTPREQ_PASSWORD`. Any non-2xx answer fails the order.
 */
export const httpreqDnsProvider: DnsProviderFactory = (env) => {
  const endpoint = requireEnv(env, 'HTTPREQ_ENDPOINT', 'httpreq').replace(/\/+$/, '');
  const raw = env.HTTPREQ_MODE === 'RAW';
  const timeout = envSeconds(env, 'HTTPREQ_HTTP_TIMEOUT') ?? 30_000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (env.HTTPREQ_USERNAME) headers.authorization = `Basic ${Buffer.from(`${env.HTTPREQ_USERNAME}:${env.HTTPREQ_PASSWORD ?? ''}`).toString('base64')}`;
  const call = async (action: string, domain: string, token: string, keyAuth: string) => {
    const body = raw ? { domain, token, keyAuth } : dnsRecord(domain, keyAuth);
    const response = await fetch(`${endpoint}/${action}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`httpreq ${action}: ${endpoint}/${action} answered ${response.status}`);
  };
  const provider: DnsProvider = {
    present: (domain, token, keyAuth) => call('present', domain, token, keyAuth),
    cleanup: (domain, token, keyAuth) => call('cleanup', domain, token, keyAuth),
  };
  const propagation = envSeconds(env, 'HTTPREQ_PROPAGATION_TIMEOUT');
  if (propagation !== undefined) provider.propagationTimeout = propagation;
  return provider;
};
