import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { metricsHandler, prometheusRouter, prometheusService } from '../../../src/observability/metrics/metrics-endpoint.js';

const scrape = async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'up 1\n' });

t.test('the metrics handler answers GET and HEAD only', async (t) => {
  const handler = metricsHandler(scrape);
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const cases: Array<[string, 'GET' | 'HEAD' | 'POST', number, string]> = [
    ['GET returns the exposition text', 'GET', 200, 'up 1\n'],
    ['HEAD returns no body', 'HEAD', 200, ''],
    ['POST is refused', 'POST', 405, ''],
  ];
  for (const [name, method, status, body] of cases) {
    const res = await request(url, { method });
    t.equal(res.statusCode, status, name);
    t.equal(await res.body.text(), body, `${name}: body`);
  }
});

t.test('prometheus@internal is a router on a public entry point and a service for manual routing', async (t) => {
  const router = prometheusRouter('web', scrape);
  t.match(router, { name: 'prometheus@internal', entryPoints: ['web'], tls: false });
  t.equal(router.route.priority, Number.MAX_SAFE_INTEGER);
  const service = prometheusService(scrape);
  t.equal(service.healthy(), true);
  t.same(service.serverStatus(), {});
});
