import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { getJson } from '../src/api/api-fixture.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';

/** A provider the test drives: it yields what is pushed, and throws when told to. */
function drivenProvider(name: string) {
  const queue: Array<unknown> = [];
  let wake: (() => void) | undefined;
  const state: ProviderState = { connected: true };
  const provider: Provider = {
    name,
    async *watch(signal: AbortSignal): AsyncIterable<ProviderSnapshot> {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
          continue;
        }
        if (next instanceof Error) throw next;
        state.lastSnapshotAt = new Date().toISOString();
        yield { config: next as ProviderSnapshot['config'], errors: [] };
      }
    },
    state: () => ({ ...state }),
  };
  const push = (value: unknown) => {
    queue.push(value);
    wake?.();
  };
  return { provider, push };
}

const valid = (host: string) => ({ http: { routers: { r: { rule: `Host(\`${host}\`)`, service: 's' } }, services: { s: { loadBalancer: { servers: [] } } } } });

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

t.test('/api/providers shows each provider connecting, failing and recovering', async (t) => {
  const driven = drivenProvider('driven');
  const gw = await startTestGateway({ static: { api: { insecure: true } }, extraProviders: [driven.provider] });
  t.teardown(() => gw.close());
  const providers = async () => (await getJson(gw, '/api/providers')).body;
  const drivenState = async () => (await providers()).providers.find((p: { name: string }) => p.name === 'driven');

  driven.push(valid('one.test'));
  const first = await until('the first snapshot', drivenState, (s) => Boolean(s?.lastSnapshotAt));
  t.same([first.connected, first.lastError], [true, undefined], 'connected, no error');
  t.ok(Math.abs(Date.parse(first.lastSnapshotAt) - Date.now()) < 60_000, 'lastSnapshotAt is a recent time');
  const body = await providers();
  t.same(
    body.providers.map((p: { name: string }) => p.name),
    ['driven', 'file'],
    'every provider, sorted by name',
  );
  t.equal(body.ready, true);
  t.equal(body.version, gw.gateway.version());

  const version = gw.gateway.version();
  driven.push(new Error('backend unreachable'));
  const failed = await until('a failed watch', drivenState, (s) => /backend unreachable/.test(s?.lastError ?? ''));
  t.equal(failed.connected, false, 'a failing watch is not connected');
  t.equal(gw.gateway.version(), version, 'the last snapshot stays in force');
  t.equal((await getJson(gw, '/api/http/routers/r@driven')).status, 200, 'its router is still served');

  // The watcher restarts the provider after a backoff; its next snapshot clears the error.
  driven.push(valid('two.test'));
  const recovered = await until('recovery', drivenState, (s) => s?.connected === true);
  t.equal(recovered.lastError, undefined, 'the error clears with the next good snapshot');
  await gw.gateway.waitForVersion(version + 1, 20_000);
  t.equal((await getJson(gw, '/api/http/routers/r@driven')).body.rule, 'Host(`two.test`)');
});
