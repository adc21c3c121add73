import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { Agent, request } from 'undici';
import { httpProvider } from '../../providers/http/index.js';
import { silentLogger } from '../../src/log.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { until } from '../helpers/provider-checks.js';

// A configuration source that misbehaves (security reference §5): the last good configuration keeps
// serving, the provider's state in /api/providers names the error, and recovery needs no one.

type Mode = 'ok' | 'disconnect' | 'stall' | 'garbage' | 'status-500' | 'cut-mid-body';

/** A raw configuration server whose behaviour the test switches; it can vanish and come back on the same port. */
async function startConfigServer(config: () => string) {
  let mode: Mode = 'ok';
  const sockets = new Set<Socket>();
  const handle = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', () => {
      const body = config();
      if (mode === 'disconnect') return void socket.resetAndDestroy();
      if (mode === 'stall') return;
      if (mode === 'garbage') return void socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n\u0000\u0001garbage}{');
      if (mode === 'status-500') return void socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom');
      if (mode === 'cut-mid-body') return void socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body}`);
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  };
  let server = net.createServer(handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    if (!server.listening) return;
    server.close();
    await once(server, 'close');
  };
  return {
    url: `http://127.0.0.1:${port}/config`,
    setMode: (next: Mode) => (mode = next),
    vanish: stop,
    async comeBack() {
      server = net.createServer(handle).listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: stop,
  };
}

const routes = (path: string, url: string) =>
  JSON.stringify({ http: { routers: { app: { rule: `PathPrefix(\`${path}\`)`, service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url }] } } } } });

t.test('a failing http provider keeps the last good configuration, reports the error and recovers', async (t) => {
  const backend = await startBackend((_req, res) => res.end('app'));
  t.teardown(() => backend.close());
  let body = routes('/one', backend.url);
  const source = await startConfigServer(() => body);
  t.teardown(() => source.close());
  const provider = httpProvider.create({ endpoint: source.url, pollInterval: '50ms', pollTimeout: '500ms' }, { log: silentLogger, baseDir: process.cwd() });
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false, static: { api: { insecure: true } } });
  t.teardown(() => gw.close());
  const providerState = async () => {
    const res = await fetch(gw.url('/api/providers', 'switchyard'));
    const states = (await res.json()) as { providers: Array<{ name: string; connected: boolean; lastError?: string }> };
    return states.providers.find((p) => p.name === 'http')!;
  };
  await until('the first configuration is served', async () => (await fetch(gw.url('/one'))).status === 200, 15_000);

  // Steady traffic on a keep-alive pool for the whole test: the last good routes must never fail.
  const client = new Agent({ connections: 4 });
  const failures: string[] = [];
  let sent = 0;
  let stopped = false;
  const load = (async () => {
    while (!stopped) {
      sent++;
      try {
        const res = await request(gw.url('/one'), { dispatcher: client });
        const text = await res.body.text();
        if (res.statusCode !== 200 || text !== 'app') failures.push(`${res.statusCode} ${text}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  })();
  t.teardown(() => client.close());

  const faults: Array<[string, () => Promise<void> | void, RegExp]> = [
    ['a source that resets the connection', () => void source.setMode('disconnect'), /socket|reset|closed|terminated/i],
    ['a source that never answers', () => void source.setMode('stall'), /no complete answer within 500 ms/],
    ['a source that answers garbage', () => void source.setMode('garbage'), /not JSON/],
    ['a source that answers 500', () => void source.setMode('status-500'), /answered 500/],
    ['a source that cuts its body short', () => void source.setMode('cut-mid-body'), /closed|terminated|length|socket|other side/i],
    ['a source that vanished', () => source.vanish(), /ECONNREFUSED|connect/i],
  ];
  for (const [name, inject, error] of faults) {
    await t.test(name, async (t) => {
      const version = gw.gateway.version();
      await inject();
      await until(`the error of ${name} is reported`, async () => error.test((await providerState()).lastError ?? ''), 15_000);
      t.equal((await providerState()).connected, false, 'the provider is shown disconnected');
      t.equal(gw.gateway.version(), version, 'no configuration was applied');
      const res = await fetch(gw.url('/one'));
      t.equal(res.status, 200, 'the last good routes keep serving');
      await res.text();
      if (name === 'a source that vanished') await source.comeBack();
      source.setMode('ok');
      await until('the provider recovers', async () => (await providerState()).connected === true, 15_000);
    });
  }

  body = routes('/two', backend.url);
  await until('a change after recovery is applied', async () => (await fetch(gw.url('/two'))).status === 200, 15_000);
  t.equal((await providerState()).lastError, undefined, 'recovery clears the error');
  stopped = true;
  await load;
  // The route /one went away with the last change: only failures before that count.
  const real = failures.filter((f) => !f.startsWith('404'));
  t.same(real, [], `no request to the last good routes failed (${sent} sent)`);
});
