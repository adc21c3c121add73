import t from 'tap';
import { request } from 'undici';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { tlsGet } from '../src/tls/tls-client.js';

/** The samples of a metric whose labels include `labels`, as [labels, value]. */
function series(text: string, name: string, labels: Record<string, string> = {}): Array<[Record<string, string>, number]> {
  const found: Array<[Record<string, string>, number]> = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) own[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => own[k] === v)) found.push([own, Number(match[3])]);
  }
  return found;
}

t.test('HTTPS traffic is counted per TLS version and cipher, and health checks drive server_up both ways', async (t) => {
  const authority = createTestCA();
  const cert = authority.issue(['secure.test']);
  let healthy = true;
  const backend = await startBackend((req, res) => {
    res.statusCode = req.url === '/health' && !healthy ? 503 : req.url === '/fail' ? 500 : 200;
    res.end('ok');
  });
  const health = { path: '/health', interval: '100ms', timeout: '2s' };
  const gw = await startTestGateway({
    static: { metrics: { prometheus: { addRoutersLabels: true } } },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: { secure: { rule: 'Host(`secure.test`)', service: 'app', tls: {} } },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }, { url: 'http://127.0.0.1:1' }], healthCheck: health } } },
        },
        tls: { certificates: [{ certFile: cert.certFile, keyFile: cert.keyFile }] },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const scrape = async () => (await request(gw.url('/metrics', 'switchyard'))).body.text();
  const poll = async (what: string, ok: (text: string) => boolean) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = await scrape();
      if (ok(text)) return text;
      if (Date.now() > deadline) throw new Error(`${what} did not show in /metrics`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  await poll('the first health verdicts', (text) => series(text, 'switchyard_service_server_up', { service: 'app@file' }).length === 2);
  const upOf = (text: string) => Object.fromEntries(series(text, 'switchyard_service_server_up', { service: 'app@file' }).map(([l, v]) => [l.url, v]));
  const verdicts = upOf(await poll('a healthy and a dead server', (text) => upOf(text)[backend.url] === 1));
  t.same(verdicts, { [backend.url]: 1, 'http://127.0.0.1:1': 0 }, 'a refused server is 0, a healthy one 1');

  const exchanges = [];
  for (const path of ['/', '/', '/fail']) exchanges.push(await tlsGet(gw.port(), { servername: 'secure.test', path, ALPNProtocols: ['http/1.1'] }));
  t.same(exchanges.map((e) => e.status), [200, 200, 500], 'three HTTPS requests');
  const version = exchanges[0]!.protocol!.replace(/^TLSv/, '');
  const text = await scrape();
  const cases: Array<[string, string, Record<string, string>, number]> = [
    ['the entry point counts TLS requests by version', 'switchyard_entrypoint_requests_tls_total', { entrypoint: 'web', tls_version: version }, 3],
    ['the router counts them with its service', 'switchyard_router_requests_tls_total', { router: 'secure@file', service: 'app@file', tls_version: version }, 3],
    ['the service counts them', 'switchyard_service_requests_tls_total', { service: 'app@file', tls_version: version }, 3],
    ['5xx answers are counted under their code at router level', 'switchyard_router_requests_total', { router: 'secure@file', code: '500' }, 1],
    ['and at service level', 'switchyard_service_requests_total', { service: 'app@file', code: '500' }, 1],
  ];
  for (const [name, metric, labels, expected] of cases) {
    const found = series(text, metric, labels);
    t.equal(found.length, 1, `${name}: one series`);
    t.equal(found[0]?.[1], expected, name);
  }
  const [[tlsLabels]] = series(text, 'switchyard_entrypoint_requests_tls_total', { entrypoint: 'web' }) as [[Record<string, string>, number]];
  t.match(tlsLabels.tls_cipher, /^TLS_/, `the cipher is its standard name: ${tlsLabels.tls_cipher}`);
  t.ok(series(text, 'switchyard_tls_certs_not_after', { cn: 'secure.test', sans: 'secure.test' }).length === 1, 'the served certificate has an expiry series');

  healthy = false;
  await poll('the server going down', (text) => upOf(text)[backend.url] === 0);
  t.pass('a failing health check turns server_up to 0');
  healthy = true;
  await poll('the server coming back', (text) => upOf(text)[backend.url] === 1);
  t.pass('and a passing one back to 1');
});
