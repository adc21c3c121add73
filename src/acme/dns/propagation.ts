import { Resolver } from 'node:dns/promises';

const POLL_MS = 250;

/**
 * Waits until a TXT record with `value` is visible at `fqdn` on every resolver given (the system
 * resolver when none), so the CA is not asked to validate too early; throws after `timeoutMs`.
 */
export async function waitForTxt(fqdn: string, value: string, resolvers: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const clients = (resolvers.length ? resolvers : ['']).map((server) => {
    const r = new Resolver({ timeout: 2000, tries: 1 });
    if (server) r.setServers([server]);
    return r;
  });
  const deadline = Date.now() + timeoutMs;
  const name = fqdn.replace(/\.$/, '');
  for (;;) {
    signal?.throwIfAborted();
    const seen = await Promise.all(clients.map((r) => r.resolveTxt(name).then((records) => records.some((parts) => parts.join('') === value), () => false)));
    if (seen.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`TXT record ${fqdn} not visible within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
