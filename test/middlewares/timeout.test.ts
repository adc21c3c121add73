import t from 'tap';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { timeoutMiddleware } from '../../middlewares/timeout.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { httpRequest } from '../helpers/raw-http.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

/** Request ids whose connection the gateway closed before the server answered. */
const abandoned = new Set<string>();
const backend = await startBackend((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const id = url.searchParams.get('id') ?? '';
  const ms = Number(url.searchParams.get('ms') ?? 0);
  req.on('close', () => {
    if (!res.headersSent) abandoned.add(id);
  });
  if (url.pathname === '/slow-head') {
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('late answer'), ms);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (url.pathname === '/slow-body') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part, ');
    const timer = setTimeout(() => res.end('last part'), ms);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (url.pathname === '/upload') {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${size} bytes`));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('fast answer');
});
const middlewares = {
  header: { timeout: { responseHeader: '300ms' } },
  whole: { timeout: { request: '500ms' } },
};
const gw = await startTestGateway({
  middlewares: [timeoutMiddleware],
  dynamic: {
    'timeout.yaml': {
      http: {
        routers: {
          header: { rule: 'Host(`header.test`)', service: 'backend', middlewares: ['header'] },
          whole: { rule: 'Host(`whole.test`)', service: 'backend', middlewares: ['whole'] },
          untimed: { rule: 'Host(`untimed.test`)', service: 'backend' },
        },
        middlewares,
        services: { backend: { loadBalancer: { servers: [{ url: backend.url }] } } },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

let nextId = 0;
t.test('answers within the limits', async (t) => {
  const cases: Array<{ name: string; host: string; path: string; status: number; body: string; minMs?: number; maxMs?: number; serverAbandoned?: boolean }> = [
    { name: 'responseHeader answers 504 when the head is late', host: 'header', path: '/slow-head?ms=3000', status: 504, body: 'Gateway Timeout\n', minMs: 250, maxMs: 2500, serverAbandoned: true },
    { name: 'responseHeader lets a prompt answer through', host: 'header', path: '/fast', status: 200, body: 'fast answer' },
    { name: 'responseHeader does not limit a slow body once the head is out', host: 'header', path: '/slow-body?ms=700', status: 200, body: 'first part, last part', minMs: 600 },
    { name: 'request answers 504 when nothing was sent in time', host: 'whole', path: '/slow-head?ms=3000', status: 504, body: 'Gateway Timeout\n', minMs: 450, maxMs: 2500, serverAbandoned: true },
    { name: 'request lets an exchange that ends in time through', host: 'whole', path: '/slow-head?ms=100', status: 200, body: 'late answer' },
    { name: 'a router without the middleware keeps waiting (the timeout is per router)', host: 'untimed', path: '/slow-head?ms=800', status: 200, body: 'late answer', minMs: 700 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const id = String(nextId++);
      const started = performance.now();
      const res = await httpRequest(gw.url(`${c.path}${c.path.includes('?') ? '&' : '?'}id=${id}`), { headers: { host: `${c.host}.test` } });
      const elapsed = performance.now() - started;
      t.equal(res.status, c.status, 'status');
      t.equal(res.body.toString(), c.body, 'body');
      if (c.minMs !== undefined) t.ok(elapsed >= c.minMs, `took at least ${c.minMs}ms (${Math.round(elapsed)})`);
      if (c.maxMs !== undefined) t.ok(elapsed < c.maxMs, `took less than ${c.maxMs}ms (${Math.round(elapsed)})`);
      if (c.serverAbandoned) t.ok(await eventually(() => abandoned.has(id)), 'the server request was aborted');
      else t.notOk(abandoned.has(id), 'the server request was not aborted');
    });
  }
});

t.test('request cuts the connection when the response had started', async (t) => {
  const outcome = await new Promise<{ status: number; body: string; broken: boolean }>((resolve) => {
    const req = http.get(gw.url('/slow-body?ms=3000&id=cut'), { headers: { host: 'whole.test' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, broken: !res.complete }));
      res.on('error', () => resolve({ status: res.statusCode!, body, broken: true }));
      res.on('aborted', () => resolve({ status: res.statusCode!, body, broken: true }));
    });
    req.on('error', () => resolve({ status: 0, body: '', broken: true }));
  });
  t.equal(outcome.status, 200, 'the head had gone out');
  t.equal(outcome.body, 'first part, ', 'only what was sent in time arrived');
  t.ok(outcome.broken, 'the response is visibly broken, not complete');
});

t.test('responseHeader does not count a slow upload', async (t) => {
  const started = performance.now();
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(gw.url('/upload?id=upload'), { method: 'POST', headers: { host: 'header.test', 'content-type': 'text/plain' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    // Three parts 250ms apart: the upload alone outlasts the 300ms responseHeader limit.
    void (async () => {
      for (let i = 0; i < 3; i++) {
        req.write('x'.repeat(1000));
        await sleep(250);
      }
      req.end();
    })();
  });
  t.ok(performance.now() - started >= 700, 'the upload took longer than the limit');
  t.same(answer, { status: 200, body: 'got 3000 bytes' });
});

t.test('a connection keeps serving after a 504', async (t) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const ask = (path: string) =>
    new Promise<number>((resolve, reject) => {
      http.get(gw.url(path), { headers: { host: 'header.test' }, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject);
    });
  t.equal(await ask('/slow-head?ms=3000&id=ka'), 504);
  t.equal(await ask('/fast'), 200);
});

t.test('configuration errors', async (t) => {
  const echo = await startEchoBackend();
  t.teardown(() => echo.close());
  await checkConfigErrors(t, gw, echo.url, [
    { name: 'an empty configuration is rejected', config: { timeout: {} }, error: /set responseHeader, request or both/ },
    { name: 'zero durations are rejected', config: { timeout: { request: '0s' } }, error: /set responseHeader, request or both/ },
    { name: 'an invalid duration is rejected', config: { timeout: { responseHeader: 'later' } }, error: /responseHeader: invalid duration "later"/ },
    { name: 'a negative duration is rejected', config: { timeout: { request: '-5s' } }, error: /request: must not be negative/ },
    { name: 'an unknown option is rejected', config: { timeout: { idle: '5s' } }, error: /idle|additional/ },
  ]);
});
