import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { httpProvider } from '../../../providers/http/index.js';
import { silentLogger } from '../../../src/log.js';
import { startBackend } from '../../helpers/backends.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { getWithHost, until } from '../../helpers/provider-checks.js';

// A real configuration server: the test sets what it answers; it honours If-None-Match like a CDN would.
async function startConfigServer() {
  let body = '{}';
  let contentType = 'application/json';
  let status = 200;
  let delayMs = 0;
  let version = 1;
  const seen: Array<{ ifNoneMatch?: string; auth?: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    const etag = `"v${version}"`;
    const answer = () => {
      const code = status === 200 && req.headers['if-none-match'] === etag ? 304 : status;
      seen.push({ ifNoneMatch: req.headers['if-none-match'], auth: req.headers.authorization, status: code });
      res.writeHead(code, code === 200 ? { 'content-type': contentType, etag } : {});
      res.end(code === 200 ? body : undefined);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/config`,
    seen,
    set(next: { body?: string; contentType?: string; status?: number; delayMs?: number }) {
      if (next.body !== undefined && next.body !== body) version += 1;
      body = next.body ?? body;
      contentType = next.contentType ?? contentType;
      status = next.status ?? status;
      delayMs = next.delayMs ?? delayMs;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const routes = (host: string, url: string) =>
  JSON.stringify({ http: { routers: { app: { rule: `Host(\`${host}\`)`, service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url }] } } } } });

t.test('the http provider loads, revalidates with ETag, follows changes and keeps the last good on errors', async (t) => {
  const backend = await startBackend((_req, res) => res.end('from app'));
  t.teardown(() => backend.close());
  const config = await startConfigServer();
  t.teardown(() => config.close());
  config.set({ body: routes('a.test', backend.url) });
  const provider = httpProvider.create(
    { endpoint: config.url, pollInterval: '50ms', pollTimeout: '300ms', headers: { Authorization: 'Bearer s3cret' } },
    { log: silentLogger, baseDir: process.cwd() },
  );
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  const get = (host: string) => getWithHost(gw.url('/'), host);

  await until('a.test routes', async () => (await get('a.test')) === '200 from app');
  t.equal(config.seen[0]?.auth, 'Bearer s3cret', 'configured headers are sent');
  await until('a revalidation', () => config.seen.some((s) => s.status === 304));
  t.equal(config.seen.find((s) => s.status === 304)?.ifNoneMatch, '"v2"', 'the ETag is sent back as If-None-Match');
  t.match(gw.gateway.view.providerStates().http, { connected: true, lastError: undefined });

  const before = gw.gateway.version();
  config.set({ body: `http:\n  routers:\n    app: {rule: "Host(\`b.test\`)", service: app}\n  services:\n    app:\n      loadBalancer: {servers: [{url: "${backend.url}"}]}\n`, contentType: 'application/yaml' });
  await gw.gateway.waitForVersion(before + 1);
  t.equal(await get('b.test'), '200 from app', 'a YAML answer is read when its Content-Type says YAML');
  t.equal((await get('a.test')).slice(0, 3), '404', 'the old route is gone');

  const cases = [
    { name: 'a 500 answer', set: { status: 500 }, error: /answered 500/ },
    { name: 'an unparsable body', set: { status: 200, body: '{not json', contentType: 'application/json' }, error: /not JSON/ },
    { name: 'an answer slower than pollTimeout', set: { status: 200, body: routes('c.test', backend.url), delayMs: 1000 }, error: /no complete answer within 300 ms/ },
  ];
  for (const c of cases) {
    config.set(c.set);
    await until(`${c.name} is reported`, () => c.error.test(gw.gateway.view.providerStates().http?.lastError ?? ''));
    t.equal(gw.gateway.view.providerStates().http?.connected, false, `${c.name} marks the provider disconnected`);
    t.equal(await get('b.test'), '200 from app', `${c.name} keeps the last good routes`);
  }
  config.set({ delayMs: 0 });
  await until('the new content is served', async () => (await get('c.test')) === '200 from app');
  t.match(gw.gateway.view.providerStates().http, { connected: true, lastError: undefined }, 'recovery clears the error');
});

t.test('a body over maxResponseBodySize is refused and reported', async (t) => {
  const config = await startConfigServer();
  t.teardown(() => config.close());
  config.set({ body: routes('big.test', 'http://127.0.0.1:1') });
  const provider = httpProvider.create({ endpoint: config.url, pollInterval: '50ms', maxResponseBodySize: 16 }, { log: silentLogger, baseDir: process.cwd() });
  const gw = await startTestGateway({ extraProviders: [provider] });
  t.teardown(() => gw.close());
  await until('the size error is reported', () => /larger than maxResponseBodySize \(16 bytes\)/.test(gw.gateway.view.providerStates().http?.lastError ?? ''));
  t.notOk(gw.gateway.table()?.status.routers?.['app@http'], 'nothing was loaded');
});

t.test('unusable options are refused when the provider is created', async (t) => {
  const cases = [
    { options: { endpoint: 'not a url' }, error: /providers\.http\.endpoint: "not a url" is not a URL/ },
    { options: { endpoint: 'ftp://x/' }, error: /must be an http or https URL/ },
    { options: { endpoint: 'http://x/', pollInterval: 'soon' }, error: /providers\.http\.pollInterval: invalid duration/ },
    { options: { endpoint: 'http://x/', tls: { cert: 'a.pem' } }, error: /cert and key must be set together/ },
  ];
  for (const c of cases) t.throws(() => httpProvider.create(c.options, { log: silentLogger, baseDir: process.cwd() }), c.error, c.error.source);
});
