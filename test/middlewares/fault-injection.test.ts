import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { faultInjectionMiddleware } from '../../middlewares/fault-injection.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { httpRequest } from '../helpers/raw-http.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

const reached = new Map<string, number>();
const backend = await startBackend((req, res) => {
  const host = req.headers.host ?? '';
  reached.set(host, (reached.get(host) ?? 0) + 1);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('from the server');
});
const middlewares: Record<string, unknown> = {
  abortall: { faultInjection: { abort: { percentage: 100 } } },
  teapot: { faultInjection: { abort: { percentage: 100, status: 418, body: 'injected teapot' } } },
  abortnone: { faultInjection: { abort: { percentage: 0, status: 500 } } },
  aborthalf: { faultInjection: { abort: { percentage: 50, status: 500 } } },
  delayall: { faultInjection: { delay: { percentage: 100, duration: '300ms' } } },
  delaynone: { faultInjection: { delay: { percentage: 0, duration: '3s' } } },
  both: { faultInjection: { delay: { percentage: 100, duration: '300ms' }, abort: { percentage: 100, status: 502 } } },
  longdelay: { faultInjection: { delay: { percentage: 100, duration: '600ms' } } },
};
const routers = Object.fromEntries(Object.keys(middlewares).map((m) => [m, { rule: `Host(\`${m}.test\`)`, service: 'backend', middlewares: [m] }]));
const gw = await startTestGateway({
  middlewares: [faultInjectionMiddleware],
  // passHostHeader (the default) lets the back end count requests per router.
  dynamic: { 'fi.yaml': { http: { routers, middlewares, services: { backend: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

const get = (host: string, method = 'GET') => httpRequest(gw.url('/'), { method, headers: { host: `${host}.test` } });

t.test('what the client sees and what reaches the server', async (t) => {
  const cases: Array<{ name: string; host: string; method?: string; status: number; body: string; reaches: boolean; minMs?: number; maxMs?: number }> = [
    { name: 'abort at 100% answers every request with 503 by default', host: 'abortall', status: 503, body: 'Service Unavailable\n', reaches: false },
    { name: 'abort answers HEAD without a body', host: 'abortall', method: 'HEAD', status: 503, body: '', reaches: false },
    { name: 'abort uses the configured status and body', host: 'teapot', status: 418, body: 'injected teapot', reaches: false },
    { name: 'abort at 0% never aborts', host: 'abortnone', status: 200, body: 'from the server', reaches: true },
    { name: 'delay at 100% holds every request for the duration', host: 'delayall', status: 200, body: 'from the server', reaches: true, minMs: 280 },
    { name: 'delay at 0% never delays', host: 'delaynone', status: 200, body: 'from the server', reaches: true, maxMs: 2000 },
    { name: 'delay then abort both apply to one request', host: 'both', status: 502, body: 'Bad Gateway\n', reaches: false, minMs: 280 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const before = reached.get(`${c.host}.test`) ?? 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const res = await get(c.host, c.method);
        const elapsed = performance.now() - started;
        t.equal(res.status, c.status, 'status');
        t.equal(res.body.toString(), c.body, 'body');
        if (c.status !== 200) t.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        if (c.minMs !== undefined) t.ok(elapsed >= c.minMs, `held at least ${c.minMs}ms (${Math.round(elapsed)})`);
        if (c.maxMs !== undefined) t.ok(elapsed < c.maxMs, `not held (${Math.round(elapsed)}ms)`);
      }
      t.equal((reached.get(`${c.host}.test`) ?? 0) - before, c.reaches ? 5 : 0, 'requests that reached the server');
    });
  }
});

t.test('abort at 50% aborts about half of the requests', async (t) => {
  const total = 400;
  let aborted = 0;
  for (let batch = 0; batch < total / 20; batch++) {
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('aborthalf')));
    aborted += answers.filter((r) => r.status === 500).length;
  }
  // Binomial(400, 0.5): standard deviation 10, so ±50 is five deviations.
  t.ok(aborted > 150 && aborted < 250, `aborted ${aborted} of ${total}`);
  t.equal(reached.get('aborthalf.test'), total - aborted, 'the others reached the server');
});

t.test('a client that leaves during the delay never reaches the server', async (t) => {
  const req = http.get(gw.url('/'), { headers: { host: 'longdelay.test' }, agent: false });
  req.on('error', () => undefined);
  await sleep(100);
  req.destroy();
  // Not a reload wait: the delay is 600ms, so give it time to have (wrongly) passed the request on.
  await sleep(900);
  t.equal(reached.get('longdelay.test') ?? 0, 0);
});

t.test('configuration errors', async (t) => {
  const echo = await startEchoBackend();
  t.teardown(() => echo.close());
  await checkConfigErrors(t, gw, echo.url, [
    { name: 'an empty configuration is rejected', config: { faultInjection: {} }, error: /set abort, delay or both/ },
    { name: 'a percentage above 100 is rejected', config: { faultInjection: { abort: { percentage: 101 } } }, error: /percentage/ },
    { name: 'a negative percentage is rejected', config: { faultInjection: { delay: { percentage: -1, duration: '1s' } } }, error: /percentage/ },
    { name: 'an invalid duration is rejected', config: { faultInjection: { delay: { percentage: 10, duration: 'soon' } } }, error: /delay\.duration: invalid duration "soon"/ },
    { name: 'a negative duration is rejected', config: { faultInjection: { delay: { percentage: 10, duration: '-1s' } } }, error: /delay\.duration: must not be negative/ },
    { name: 'a status outside 100-599 is rejected', config: { faultInjection: { abort: { percentage: 10, status: 700 } } }, error: /status/ },
    { name: 'a delay without duration is rejected', config: { faultInjection: { delay: { percentage: 10 } } }, error: /duration/ },
    { name: 'an unknown option is rejected', config: { faultInjection: { abort: { percentage: 10 }, seed: 1 } }, error: /seed|additional/ },
  ]);
});
