import http from 'node:http';
import type { TestGateway } from './gateway-harness.js';
import { startBackend, type Backend } from './backends.js';

/** A back end answering every request with its own name. */
export function startNamedBackend(name: string): Promise<Backend> {
  return startBackend((_req, res) => res.end(name));
}

/** Status and body of a GET through the gateway with a Host header. */
export function get(gw: TestGateway, host: string, path = '/'): Promise<{ status: number; body: string }> {
  // A fresh connection per request, so no keep-alive connection outlives the check.
  return new Promise((resolve, reject) => {
    const req = http.get(gw.url(path), { headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/**
 * Waits until a check on the gateway holds, re-checking after each new routing table (never on a timer),
 * so a KV change is observed once the table built from it is in service.
 */
export async function untilRouted(gw: TestGateway, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const version = gw.gateway.version();
    if (await check()) return;
    if (gw.gateway.version() !== version) continue;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('the expected routing did not appear in time');
    await gw.gateway.waitForVersion(version + 1, left).catch(() => undefined);
  }
}

/** Waits until a provider state check holds (provider states change without a new table, so this polls briefly). */
export async function untilState(gw: TestGateway, check: (state: Record<string, unknown> | undefined) => boolean, provider: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check(gw.gateway.view.providerStates()[provider] as unknown as Record<string, unknown> | undefined)) {
    if (Date.now() > deadline) throw new Error(`provider ${provider} did not reach the expected state: ${JSON.stringify(gw.gateway.view.providerStates()[provider])}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
