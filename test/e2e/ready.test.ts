import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import type { Provider, ProviderSnapshot } from '../../src/provider/provider.js';

/** A provider that delivers its first snapshot only when the test says so. */
function heldProvider(): { provider: Provider; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let delivered = false;
  const provider: Provider = {
    name: 'held',
    async *watch(signal: AbortSignal): AsyncIterable<ProviderSnapshot> {
      await released;
      delivered = true;
      yield { config: { http: { routers: {}, services: {} } }, errors: [] };
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
    state: () => ({ connected: delivered }),
  };
  return { provider, release };
}

// /ready (Traefik #10458): 503 until every provider delivered its first snapshot, while /ping is live at once.
t.test('readiness waits for every provider and ping does not', async (t) => {
  const held = heldProvider();
  const gw = await startTestGateway({ extraProviders: [held.provider], waitForFirst: false });
  t.teardown(() => gw.close());
  const ping = await fetch(gw.url('/ping', 'switchyard'));
  t.equal(ping.status, 200, '/ping answers 200 at once');
  t.equal(await ping.text(), 'OK');
  const early = await fetch(gw.url('/ready', 'switchyard'));
  t.equal(early.status, 503, '/ready answers 503 while a provider has not delivered');
  await early.text();
  held.release();
  const deadline = Date.now() + 5000;
  let status = 0;
  while (Date.now() < deadline) {
    const response = await fetch(gw.url('/ready', 'switchyard'));
    await response.text();
    status = response.status;
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(status, 200, '/ready answers 200 once every provider delivered');
});

t.test('ping can be served on a public entry point, ahead of every user router', async (t) => {
  const gw = await startTestGateway({
    static: { ping: { entryPoint: 'web' } },
    dynamic: { 'all.yaml': { http: { routers: { all: { rule: 'PathPrefix(`/`)', service: 'none', priority: 1000 } }, services: { none: { loadBalancer: { servers: [] } } } } } },
  });
  t.teardown(() => gw.close());
  const ping = await fetch(gw.url('/ping'));
  t.equal(ping.status, 200);
  t.equal(await ping.text(), 'OK');
  const internal = await fetch(gw.url('/ping', 'switchyard'));
  t.equal(internal.status, 404, 'and no longer on the internal entry point');
  await internal.text();
  const other = await fetch(gw.url('/other'));
  t.equal(other.status, 503, 'other paths still reach the user router');
  await other.text();
});
