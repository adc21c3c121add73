import http from 'node:http';
import t from 'tap';
import { rateLimitMiddleware } from '../../middlewares/rate-limit/index.js';
import { bucketParams } from '../../middlewares/rate-limit/limiter.js';
import { createMemoryLimiter } from '../../middlewares/rate-limit/memory-limiter.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend, type Echo } from '../helpers/traffic-control.js';

const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({
  middlewares: [rateLimitMiddleware],
  // X-Forwarded-For is only kept from trusted clients; the ipStrategy case needs it.
  static: { entryPoints: { web: { forwardedHeaders: { insecure: true } } } },
  dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

/** GETs with node:http (fetch does not let a test set Host) and returns the status. */
function getStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

/** Installs one router at `/rl` using a rateLimit with `options`. */
async function install(options: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<void> {
  await gw.writeDynamic('rl.yaml', {
    http: {
      routers: { rl: { rule: 'PathPrefix(`/rl`)', service: 'echo', middlewares: ['limit'] }, ...extra },
      middlewares: { limit: { rateLimit: options } },
      services: { echo: service },
    },
  });
}

t.test('answers and headers', async (t) => {
  const cases: Array<{ name: string; options: Record<string, unknown>; requests: Array<{ headers?: Record<string, string>; status: number }> }> = [
    {
      name: 'requests within the burst pass and the next one is refused',
      options: { average: 1, period: '1m', burst: 2 },
      requests: [{ status: 200 }, { status: 200 }, { status: 429 }],
    },
    {
      name: 'average 0 means no limit',
      options: { average: 0, burst: 1 },
      requests: [{ status: 200 }, { status: 200 }, { status: 200 }, { status: 200 }],
    },
    {
      name: 'requestHeaderName gives each header value its own bucket',
      options: { average: 1, period: '1m', sourceCriterion: { requestHeaderName: 'X-Tenant' } },
      requests: [
        { headers: { 'x-tenant': 'a' }, status: 200 },
        { headers: { 'x-tenant': 'b' }, status: 200 },
        { headers: { 'x-tenant': 'a' }, status: 429 },
      ],
    },
    {
      name: 'requestHost gives each host its own bucket',
      options: { average: 1, period: '1m', sourceCriterion: { requestHost: true } },
      requests: [
        { headers: { host: 'one.test' }, status: 200 },
        { headers: { host: 'two.test' }, status: 200 },
        { headers: { host: 'one.test' }, status: 429 },
      ],
    },
    {
      name: 'ipStrategy depth takes the client from X-Forwarded-For',
      options: { average: 1, period: '1m', sourceCriterion: { ipStrategy: { depth: 1 } } },
      requests: [
        { headers: { 'x-forwarded-for': '10.0.0.1' }, status: 200 },
        { headers: { 'x-forwarded-for': '10.0.0.2' }, status: 200 },
        { headers: { 'x-forwarded-for': '10.0.0.1' }, status: 429 },
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install(c.options);
      for (const [i, r] of c.requests.entries()) {
        t.equal(await getStatus(gw.url('/rl/x?q=1'), r.headers ?? {}), r.status, `request ${i + 1}`);
      }
    });
  }
});

t.test('a refused request gets Retry-After and X-Retry-In and never reaches the server', async (t) => {
  await install({ average: 1, period: '1m', burst: 1 });
  const first = await fetch(gw.url('/rl/first'), { method: 'POST', body: 'hello' });
  const echo = (await first.json()) as Echo;
  t.match(echo, { method: 'POST', url: '/rl/first', body: 'hello' }, 'an allowed request reaches the server unchanged');
  const refused = await fetch(gw.url('/rl/second'));
  t.equal(refused.status, 429);
  t.equal(refused.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.equal(await refused.text(), 'Too Many Requests\n');
  const retryAfter = Number(refused.headers.get('retry-after'));
  t.ok(retryAfter >= 59 && retryAfter <= 60, `Retry-After is the wait in whole seconds, rounded up (${retryAfter})`);
  t.match(refused.headers.get('x-retry-in'), /^(59\.\d+s|1m0s|59s)$/, 'X-Retry-In is the wait as a Go duration');
});

t.test('a request that would wait at most half a token interval is delayed, not refused', async (t) => {
  await install({ average: 1, period: '1s', burst: 1 });
  await (await fetch(gw.url('/rl/a'))).arrayBuffer();
  await new Promise((r) => setTimeout(r, 700));
  const start = performance.now();
  const res = await fetch(gw.url('/rl/b'));
  await res.arrayBuffer();
  t.equal(res.status, 200, 'allowed');
  t.ok(performance.now() - start >= 100, `held until its token was due (${Math.round(performance.now() - start)} ms)`);
});

t.test('memory stays bounded: the least recently used source is forgotten', async (t) => {
  const limiter = createMemoryLimiter(bucketParams(1, 60_000, 1), 2);
  t.equal((limiter.take('a') as { allowed: boolean }).allowed, true);
  t.equal((limiter.take('b') as { allowed: boolean }).allowed, true);
  t.equal((limiter.take('a') as { allowed: boolean }).allowed, false, 'a is still known');
  t.equal((limiter.take('c') as { allowed: boolean }).allowed, true, 'c pushes out b, the least recently used');
  t.equal((limiter.take('b') as { allowed: boolean }).allowed, true, 'b starts again with a full bucket');
  t.equal((limiter.take('c') as { allowed: boolean }).allowed, false, 'c is still known');
});

t.test('buckets are kept by an unchanged middleware and fresh for a changed one', async (t) => {
  const options = { average: 1, period: '1m', burst: 1 };
  await install(options);
  t.equal(await getStatus(gw.url('/rl/x'), {}), 200);
  t.equal(await getStatus(gw.url('/rl/x'), {}), 429);
  await install(options, { unrelated: { rule: 'PathPrefix(`/unrelated`)', service: 'echo' } });
  t.equal(await getStatus(gw.url('/rl/x'), {}), 429, 'still empty after a reload that left the middleware alone');
  await install({ ...options, burst: 2 });
  t.equal(await getStatus(gw.url('/rl/x'), {}), 200, 'a changed configuration starts with full buckets');
});

// The rate accuracy over 10 s (several routers, reloads, memory and Redis) is in rate-limit-accuracy.test.ts.

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a period of zero is rejected', config: { rateLimit: { average: 1, period: '0s' } }, error: /period: must be greater than zero/ },
    { name: 'a period that is not a duration is rejected', config: { rateLimit: { average: 1, period: 'soon' } }, error: /period/ },
    { name: 'a negative average is rejected', config: { rateLimit: { average: -1 } }, error: /average/ },
    {
      name: 'two source criteria at once are rejected',
      config: { rateLimit: { average: 1, sourceCriterion: { requestHost: true, requestHeaderName: 'X-A' } } },
      error: /sourceCriterion: set only one/,
    },
    { name: 'an unknown option is rejected', config: { rateLimit: { average: 1, averag: 2 } }, error: /averag/ },
    { name: 'a bad Redis endpoint is rejected', config: { rateLimit: { average: 1, redis: { endpoints: ['host:port:x'] } } }, error: /redis\.endpoints/ },
    {
      name: 'a Redis TLS file that does not exist is rejected, not read as PEM text',
      config: { rateLimit: { average: 1, redis: { tls: { ca: 'no-such-dir/ca.pem' } } } },
      error: /redis\.tls\.ca: "no-such-dir\/ca\.pem" is neither PEM text nor an existing file/,
    },
  ]);
});
