import t from 'tap';
import net, { type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend, type Backend } from '../helpers/backends.js';

/** A back end that also tracks which of its TCP connections are still open. */
async function trackedBackend(): Promise<Backend & { open(): number }> {
  const backend = await startBackend((_req, res) => res.end('ok'));
  // Far longer than any wait below, so every close seen here is the gateway's doing.
  backend.server.keepAliveTimeout = 120_000;
  const sockets = new Set<Socket>();
  backend.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { ...backend, open: () => sockets.size };
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

// http.serversTransports pool and timeout options, through the gateway (traefik-behaviour.md §2.4).
t.test('servers transports: connection reuse, maxIdleConnsPerHost, idleConnTimeout and dialTimeout', async (t) => {
  const pooled = await trackedBackend();
  const unpooled = await trackedBackend();
  const shortIdle = await trackedBackend();
  // Accepts TCP but never answers the TLS ClientHello: only dialTimeout can end the attempt.
  const silent = net.createServer((socket) => socket.on('error', () => undefined));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const silentPort = (silent.address() as AddressInfo).port;

  const route = (name: string) => ({ rule: `PathPrefix(\`/${name}\`)`, service: name });
  const lb = (url: string, transport?: string) => ({ loadBalancer: { servers: [{ url }], ...(transport ? { serversTransport: transport } : {}) } });
  const gw = await startTestGateway({
    dynamic: {
      'transports.yaml': {
        http: {
          routers: { pooled: route('pooled'), unpooled: route('unpooled'), short: route('short'), dial: route('dial') },
          services: {
            pooled: lb(pooled.url),
            unpooled: lb(unpooled.url, 'no-reuse'),
            short: lb(shortIdle.url, 'short-idle'),
            dial: lb(`https://127.0.0.1:${silentPort}`, 'quick-dial'),
          },
          serversTransports: {
            'no-reuse': { maxIdleConnsPerHost: -1 },
            'short-idle': { forwardingTimeouts: { idleConnTimeout: '300ms' } },
            'quick-dial': { insecureSkipVerify: true, disableHTTP2: true, forwardingTimeouts: { dialTimeout: '300ms' } },
          },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await Promise.all([pooled.close(), unpooled.close(), shortIdle.close()]);
    silent.close();
  });
  const get = async (p: string) => {
    const response = await fetch(gw.url(p));
    return `${response.status}:${await response.text()}`;
  };

  await t.test('the default transport reuses one keep-alive connection for sequential requests', async (t) => {
    for (let i = 0; i < 5; i++) t.equal(await get('/pooled'), '200:ok');
    t.equal(pooled.connections(), 1);
  });

  await t.test('a negative maxIdleConnsPerHost opens a new connection for every request', async (t) => {
    for (let i = 0; i < 5; i++) t.equal(await get('/unpooled'), '200:ok');
    t.equal(unpooled.connections(), 5);
    t.ok(await until(() => unpooled.open() === 0), 'and keeps none open');
  });

  await t.test('idleConnTimeout closes a pooled connection left idle, the default keeps it', async (t) => {
    t.equal(await get('/short'), '200:ok');
    t.ok(await until(() => shortIdle.connections() === 1 && shortIdle.open() === 0), 'the idle connection was closed by the gateway');
    t.equal(pooled.open(), 1, 'the default transport (90s) still holds its connection');
    t.equal(await get('/short'), '200:ok', 'the next request opens a new one');
    t.equal(shortIdle.connections(), 2);
  });

  await t.test('dialTimeout ends a connection attempt that never completes its TLS handshake with 504', async (t) => {
    const started = Date.now();
    const answer = await get('/dial');
    t.match(answer, /^504:/);
    t.ok(Date.now() - started < 10_000, 'long before the 30s default');
  });
});
