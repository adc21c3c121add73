import t from 'tap';
import type { Socket } from 'node:net';
import { retryMiddleware } from '../../middlewares/retry/index.js';
import { createBackoff } from '../../middlewares/retry/backoff.js';
import { startAttemptBackend } from '../helpers/attempt-backend.js';
import { rawRequest, startRawBackend, statusOf } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

// A server that accepts and resets every connection: a network error before any answer.
let resets = 0;
const resetting = await startRawBackend((socket: Socket) => {
  resets++;
  socket.resetAndDestroy();
});
// A server that answers the first `x-fail` attempts of each request id with `failStatus`, then 200; it echoes the body size.
let failStatus = 503;
const flaky = await startAttemptBackend({
  failure(_req, res, n) {
    res.setHeader('x-server', 'flaky');
    res.writeHead(failStatus, { 'content-type': 'text/plain' });
    res.end(`failure ${n}`);
  },
  success(req, res, n, body) {
    res.setHeader('x-server', 'flaky');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`ok ${n} ${req.method} ${body.length}`);
  },
});
const { hits } = flaky;
const closedPort = await freePort();
const gw = await startTestGateway({ middlewares: [retryMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await resetting.close();
  await flaky.close();
});

let installs = 0;

/** Installs `/r` behind a retry; a fresh marker router each time, so an unchanged configuration still reloads. */
async function install(retry: Record<string, unknown>, servers: Array<{ url: string; weight?: number }>): Promise<void> {
  await gw.writeDynamic('retry.yaml', {
    http: {
      routers: {
        r: { rule: 'PathPrefix(`/r`)', service: 'svc', middlewares: ['again'] },
        [`marker${++installs}`]: { rule: 'PathPrefix(`/marker`)', service: 'svc' },
      },
      middlewares: { again: { retry } },
      services: { svc: { loadBalancer: { servers } } },
    },
  });
}

let ids = 0;
async function call(init: RequestInit & { fail?: number } = {}): Promise<{ status: number; text: string; headers: Headers; id: string }> {
  const id = `req-${++ids}`;
  const headers = { 'x-id': id, 'x-fail': String(init.fail ?? 0), ...((init.headers as Record<string, string>) ?? {}) };
  const res = await fetch(gw.url('/r/x'), { ...init, headers });
  return { status: res.status, text: await res.text(), headers: res.headers, id };
}

t.test('network errors', async (t) => {
  const cases: Array<{ name: string; retry: Record<string, unknown>; method?: string; status: number; tries: number }> = [
    { name: 'a reset before any answer is retried until attempts run out', retry: { attempts: 3 }, status: 502, tries: 3 },
    { name: 'POST is sent once by default (it may not be idempotent)', retry: { attempts: 3 }, method: 'POST', status: 502, tries: 1 },
    { name: 'PATCH is sent once by default', retry: { attempts: 3 }, method: 'PATCH', status: 502, tries: 1 },
    { name: 'PUT is idempotent and retried', retry: { attempts: 3 }, method: 'PUT', status: 502, tries: 3 },
    { name: 'retryNonIdempotentMethod retries POST too', retry: { attempts: 3, retryNonIdempotentMethod: true }, method: 'POST', status: 502, tries: 3 },
    { name: 'attempts 1 sends once', retry: { attempts: 1 }, status: 502, tries: 1 },
    { name: 'disableRetryOnNetworkError leaves network errors alone', retry: { attempts: 3, status: ['500'], disableRetryOnNetworkError: true }, status: 502, tries: 1 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install(c.retry, [{ url: resetting.url }]);
      resets = 0;
      const res = await call({ method: c.method ?? 'GET', ...(c.method && c.method !== 'GET' ? { body: 'payload' } : {}) });
      t.equal(res.status, c.status, 'the client sees the last answer');
      t.equal(resets, c.tries, `the server was tried ${c.tries} time(s)`);
    });
  }
});

t.test('a WebSocket handshake is never retried', async (t) => {
  await install({ attempts: 3 }, [{ url: resetting.url }]);
  resets = 0;
  const handshake = 'GET /r/ws HTTP/1.1\r\nHost: app.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
  const answer = await rawRequest(gw.port(), handshake);
  t.equal(statusOf(answer.text), 502, 'the failure is answered');
  t.equal(resets, 1, 'the server was tried once');
});

t.test('the next attempt goes to another server', async (t) => {
  // Weight 10 would send most attempts back to the dead server; triedServers steers them away.
  await install({ attempts: 2 }, [{ url: `http://127.0.0.1:${closedPort}`, weight: 10 }, { url: flaky.url, weight: 1 }]);
  for (let i = 0; i < 6; i++) {
    const res = await call();
    t.equal(res.status, 200, `request ${i + 1} is answered by the live server`);
    t.equal(res.headers.get('x-server'), 'flaky');
  }
});

t.test('statuses', async (t) => {
  const cases: Array<{ name: string; retry: Record<string, unknown>; failStatus: number; fail: number; method?: string; status: number; tries: number; text?: RegExp }> = [
    { name: 'without status a server error is the answer, not retried', retry: { attempts: 3 }, failStatus: 500, fail: 1, status: 500, tries: 1 },
    { name: "a server's own 502 is not a network error", retry: { attempts: 3 }, failStatus: 502, fail: 1, status: 502, tries: 1 },
    { name: 'a listed status is retried and the client sees only the good answer', retry: { attempts: 3, status: ['500-504'] }, failStatus: 503, fail: 2, status: 200, tries: 3, text: /^ok 3 GET 0$/ },
    { name: 'a comma list works as in Traefik', retry: { attempts: 3, status: ['400,503'] }, failStatus: 400, fail: 1, status: 200, tries: 2 },
    { name: 'an unlisted status is the answer', retry: { attempts: 3, status: ['500'] }, failStatus: 503, fail: 1, status: 503, tries: 1 },
    { name: 'when attempts run out the last failure is the answer', retry: { attempts: 2, status: ['503'] }, failStatus: 503, fail: 5, status: 503, tries: 2, text: /^failure 2$/ },
    { name: 'the body is replayed on every attempt', retry: { attempts: 3, status: ['503'] }, failStatus: 503, fail: 1, method: 'PUT', status: 200, tries: 2, text: /^ok 2 PUT 7$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install(c.retry, [{ url: flaky.url }]);
      failStatus = c.failStatus;
      const res = await call({ method: c.method ?? 'GET', fail: c.fail, ...(c.method === 'PUT' ? { body: 'payload' } : {}) });
      t.equal(res.status, c.status);
      t.equal(hits.get(res.id), c.tries, `the server saw ${c.tries} attempt(s)`);
      t.equal(res.headers.get('x-attempt'), String(c.tries), "the headers are the kept attempt's only");
      if (c.text) t.match(res.text, c.text);
    });
  }
});

t.test('a body over maxRequestBodyBytes is sent whole, once', async (t) => {
  await install({ attempts: 3, status: ['503'], maxRequestBodyBytes: 100 }, [{ url: flaky.url }]);
  failStatus = 503;
  const res = await call({ method: 'PUT', body: 'x'.repeat(5000), fail: 1 });
  t.equal(res.status, 503, 'not retried');
  t.equal(hits.get(res.id), 1);
  const ok = await call({ method: 'PUT', body: 'x'.repeat(5000) });
  t.equal(ok.text, 'ok 1 PUT 5000', 'the server got every byte');
});

t.test('backoff and timeout', async (t) => {
  await t.test('initialInterval spaces the attempts', async (t) => {
    await install({ attempts: 3, initialInterval: '200ms' }, [{ url: resetting.url }]);
    const start = performance.now();
    await call();
    const elapsed = performance.now() - start;
    // Two waits of at least 50% of 200 ms and 50% of ~283 ms.
    t.ok(elapsed >= 230, `attempts were spaced (${Math.round(elapsed)} ms)`);
  });
  await t.test('no attempt starts after the timeout', async (t) => {
    await install({ attempts: 5, initialInterval: '300ms', timeout: '100ms' }, [{ url: resetting.url }]);
    resets = 0;
    await call();
    t.equal(resets, 1, 'the first wait (at least 150 ms) would end past the timeout, so there is no second attempt');
    await install({ attempts: 3, initialInterval: '20ms', timeout: '10s' }, [{ url: resetting.url }]);
    resets = 0;
    const res = await call();
    t.equal(res.status, 502);
    t.equal(resets, 3, 'a timeout that is not reached changes nothing');
  });
  t.test('waits grow to twice the initial interval with ±50% jitter', async (t) => {
    const mid = createBackoff(100, 3, () => 0.5);
    t.same([mid(), mid(), mid()].map(Math.round), [100, 141, 200]);
    const low = createBackoff(100, 3, () => 0);
    t.equal(low(), 50);
    t.same(createBackoff(0, 3)(), 0, 'no interval: immediate');
    t.end();
  });
});

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, flaky.url, [
    { name: 'attempts is required', config: { retry: {} }, error: /attempts/ },
    { name: 'attempts must be at least 1', config: { retry: { attempts: 0 } }, error: /attempts/ },
    { name: 'a status that is not a status is rejected', config: { retry: { attempts: 2, status: ['500', '5xx'] } }, error: /status\[1\]: invalid status "5xx"/ },
    { name: 'a reversed range is rejected', config: { retry: { attempts: 2, status: ['504-500'] } }, error: /status\[0\]: invalid status range "504-500"/ },
    { name: 'disableRetryOnNetworkError needs status', config: { retry: { attempts: 2, disableRetryOnNetworkError: true } }, error: /disableRetryOnNetworkError: requires status/ },
    { name: 'a bad initialInterval is rejected', config: { retry: { attempts: 2, initialInterval: 'soon' } }, error: /initialInterval/ },
    { name: 'an unknown option is rejected', config: { retry: { attempts: 2, attempt: 3 } }, error: /attempt/ },
  ]);
});
