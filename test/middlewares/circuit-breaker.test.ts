import t from 'tap';
import { circuitBreakerMiddleware } from '../../middlewares/circuit-breaker/index.js';
import { Breaker } from '../../middlewares/circuit-breaker/breaker.js';
import { compileBreakerExpression } from '../../middlewares/circuit-breaker/expression.js';
import { SlidingWindow } from '../../middlewares/circuit-breaker/window.js';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

let mode: 'ok' | 'fail' | 'slow' = 'ok';
let hits = 0;
const backend = await startBackend((_req, res) => {
  hits++;
  if (mode === 'slow') return void setTimeout(() => res.end('slow'), 150);
  res.statusCode = mode === 'fail' ? 500 : 200;
  res.end(mode);
});
const fallback = await startBackend((_req, res) => res.end('from the fallback'));
const closedPort = await freePort();
const gw = await startTestGateway({ middlewares: [circuitBreakerMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await fallback.close();
});

let installs = 0;
async function install(breaker: Record<string, unknown>, serverUrl = backend.url): Promise<void> {
  await gw.writeDynamic('cb.yaml', {
    http: {
      routers: {
        a: { rule: 'PathPrefix(`/a`)', service: 'svc', middlewares: ['cb'] },
        b: { rule: 'PathPrefix(`/b`)', service: 'svc', middlewares: ['cb'] },
        [`marker${++installs}`]: { rule: 'PathPrefix(`/marker`)', service: 'svc' },
      },
      middlewares: { cb: { circuitBreaker: breaker } },
      services: { svc: { loadBalancer: { servers: [{ url: serverUrl }] } }, spare: { loadBalancer: { servers: [{ url: fallback.url }] } } },
    },
  });
}

async function get(path: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(gw.url(path));
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** Sends requests to `path` until one is answered by the breaker (`status`), at most `max`. */
async function untilOpen(path: string, status: number, max = 50): Promise<number> {
  for (let i = 1; i <= max; i++) {
    if ((await get(path)).status === status) return i;
    await new Promise((r) => setTimeout(r, 5));
  }
  return -1;
}

const fast = { checkPeriod: '10ms', fallbackDuration: '400ms', recoveryDuration: '400ms' };

t.test('the breaker opens, answers for the service, and recovers', async (t) => {
  // The open period is long enough for the checks below on a loaded machine; recovery is then polled for.
  await install({ expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', ...fast, fallbackDuration: '4s' });
  mode = 'fail';
  t.ok((await untilOpen('/a', 503)) > 0, 'failing responses open it');
  hits = 0;
  const open = await get('/a');
  t.same(open, { status: 503, text: 'Service Unavailable\n', type: 'text/plain; charset=utf-8' }, 'while open the client gets the response code');
  t.equal((await get('/b')).status, 503, 'the other router using the middleware sees the same open breaker');
  t.equal(hits, 0, 'nothing reached the server');
  mode = 'ok';
  let after: number[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    after = (await Promise.all(Array.from({ length: 5 }, () => get('/a')))).map((r) => r.status);
    if (after.every((status) => status === 200)) break;
  }
  t.same(after, [200, 200, 200, 200, 200], 'after fallback and recovery the traffic flows again');
});

t.test('recovery ramps traffic back linearly', async (t) => {
  let now = 0;
  const window = new SlidingWindow(10, () => now);
  const breaker = new Breaker(window, () => true, { checkPeriodMs: 100, fallbackMs: 1000, recoveryMs: 1000 }, () => now);
  breaker.record(500, 1);
  t.equal(breaker.state, 'open');
  t.equal(breaker.allow(), false, 'open: refused');
  now = 1000;
  const share = (from: number, to: number): number => {
    let allowed = 0;
    for (now = from; now < to; now += 1) if (breaker.allow()) allowed++;
    return allowed / (to - from);
  };
  const early = share(1000, 1200);
  const late = share(1800, 1999);
  t.ok(early < 0.3, `early in recovery few pass (${early.toFixed(2)})`);
  t.ok(late > 0.7, `late in recovery most pass (${late.toFixed(2)})`);
  now = 2000;
  t.equal(breaker.allow(), true);
  t.equal(breaker.state, 'closed', 'closed after the recovery duration');
});

t.test('conditions', async (t) => {
  const cases: Array<{ name: string; breaker: Record<string, unknown>; mode: typeof mode; server?: string; status: number }> = [
    { name: 'NetworkErrorRatio counts servers that cannot be reached', breaker: { expression: 'NetworkErrorRatio() > 0.5' }, mode: 'ok', server: `http://127.0.0.1:${closedPort}`, status: 503 },
    { name: 'LatencyAtQuantileMS opens on slow answers', breaker: { expression: 'LatencyAtQuantileMS(50.0) > 100' }, mode: 'slow', status: 503 },
    { name: 'RequestThreshold combines with a ratio', breaker: { expression: 'RequestThreshold() >= 3 && ResponseCodeRatio(500, 600, 0, 600) >= 1' }, mode: 'fail', status: 503 },
    { name: 'responseCode changes the answer', breaker: { expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', responseCode: 429 }, mode: 'fail', status: 429 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install({ ...fast, ...c.breaker }, c.server);
      mode = c.mode;
      t.ok((await untilOpen('/a', c.status, 30)) > 0, `the breaker answers ${c.status}`);
    });
  }
  mode = 'ok';
});

t.test('a healthy service never opens the breaker', async (t) => {
  await install({ expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', ...fast });
  mode = 'ok';
  const statuses = await Promise.all(Array.from({ length: 20 }, () => get('/a').then((r) => r.status)));
  t.ok(statuses.every((s) => s === 200));
});

t.test('the breaker state survives a reload that leaves it unchanged', async (t) => {
  const config = { expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', checkPeriod: '10ms', fallbackDuration: '30s' };
  await install(config);
  mode = 'fail';
  t.ok((await untilOpen('/a', 503)) > 0);
  mode = 'ok';
  await install(config);
  t.equal((await get('/a')).status, 503, 'still open after the reload');
  await install({ ...config, fallbackDuration: '29s' });
  t.equal((await get('/a')).status, 200, 'a changed configuration starts a new, closed breaker');
});

t.test('fallbackService answers while open (Traefik #7113)', async (t) => {
  await install({ expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', fallbackService: 'spare', ...fast, fallbackDuration: '30s' });
  mode = 'fail';
  let answer = { status: 0, text: '', type: null as string | null };
  for (let i = 0; i < 50 && answer.text !== 'from the fallback'; i++) answer = await get('/a');
  t.same([answer.status, answer.text], [200, 'from the fallback'], 'the fallback service answered');
  mode = 'ok';
});

t.test('the expression language', async (t) => {
  const window = new SlidingWindow(10, () => 5000);
  for (let i = 0; i < 8; i++) window.record(200, 10 * (i + 1));
  window.record(502, 200);
  window.record(500, 300);
  const cases: Array<[string, boolean]> = [
    ['NetworkErrorRatio() == 0.1', true],
    ['ResponseCodeRatio(500, 600, 0, 600) > 0.19', true],
    ['ResponseCodeRatio(500, 501, 200, 300) == 0.125', true],
    ['LatencyAtQuantileMS(50) == 50', true],
    ['LatencyAtQuantileMS(100.0) >= 300', true],
    ['RequestThreshold() != 10', false],
    ['RequestThreshold() < 5 || NetworkErrorRatio() > 0.05 && LatencyAtQuantileMS(90) > 100', true],
    ['(RequestThreshold() < 5 || NetworkErrorRatio() > 0.05) && LatencyAtQuantileMS(90) > 1000', false],
    ['NetworkErrorRatio() <= 0.1 && .5 > NetworkErrorRatio()', true],
  ];
  for (const [source, expected] of cases) t.equal(compileBreakerExpression(source)(window), expected, source);
  t.end();
});

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'an unfinished expression names the position', config: { circuitBreaker: { expression: 'NetworkErrorRatio() >' } }, error: /expression: unexpected "end of expression" at position 22/ },
    { name: 'an unknown function is named', config: { circuitBreaker: { expression: 'ErrorRatio() > 0.5' } }, error: /expression: unknown function "ErrorRatio".* at position 1/ },
    { name: 'a wrong argument count is rejected', config: { circuitBreaker: { expression: 'ResponseCodeRatio(500, 600) > 0.5' } }, error: /ResponseCodeRatio\(\) takes 4 argument\(s\), got 2 at position 1/ },
    { name: 'a number is not a condition', config: { circuitBreaker: { expression: 'NetworkErrorRatio()' } }, error: /expected a condition/ },
    { name: 'a stray character is rejected', config: { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5 & RequestThreshold() > 1' } }, error: /unexpected character "&" at position 27/ },
    { name: 'a quantile out of range is rejected', config: { circuitBreaker: { expression: 'LatencyAtQuantileMS(0) > 1' } }, error: /quantile/ },
    { name: 'a reversed status range is rejected', config: { circuitBreaker: { expression: 'ResponseCodeRatio(600, 500, 0, 600) > 0.5' } }, error: /from < to/ },
    { name: 'the expression is required', config: { circuitBreaker: { checkPeriod: '1s' } }, error: /expression/ },
    { name: 'a zero checkPeriod is rejected', config: { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '0s' } }, error: /checkPeriod: must be greater than zero/ },
    { name: 'an unknown fallback service is rejected', config: { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5', fallbackService: 'nope' } }, error: /fallbackService: service "nope@file" does not exist/ },
  ]);
});
