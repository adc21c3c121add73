// The retry paths a request takes: a first attempt written straight to the client (no body), a dropped first
// attempt followed by copies, a body read and replayed, and middlewares after retry that wrap the response.
import t from 'tap';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { startAttemptBackend } from '../helpers/attempt-backend.js';
import { freePort } from '../helpers/free-port.js';
import { startTestGateway } from '../helpers/gateway-harness.js';

// The first `x-fail` attempts of a request id get `x-fail-status` (with a large body, so a dropped attempt has a
// body to swallow); later ones 200 with what the server saw (path, headers, body length).
const server = await startAttemptBackend({
  failure(req, res) {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.writeHead(Number(req.headers['x-fail-status'] ?? 503), { 'content-type': 'text/plain', 'x-failed': 'yes' });
    res.end('f'.repeat(256 * 1024));
  },
  success(req, res, _n, body) {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.writeHead(200, { 'content-type': 'application/json', 'x-server-header': 'kept' });
    // Two writes: the answer streams in pieces.
    res.write(JSON.stringify({ path: req.url, added: req.headers['x-added'] ?? null, size: body.length, method: req.method }));
    setTimeout(() => res.end('\n'), 5);
  },
});
const { hits } = server;
const closedPort = await freePort();

// Sets a response header before the rest of the chain runs, as a middleware in front of retry may.
const early = defineMiddleware({
  type: 'testEarlyHeader',
  schema: Type.Object({}),
  create: (_config, next) => (req, res) => {
    res.setHeader('x-early', 'set-before-retry');
    return next(req, res);
  },
});

const gw = await startTestGateway({ middlewares: [early], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await server.close();
});

let installs = 0;
async function install(middlewares: Record<string, unknown>, chain: string[], servers: Array<{ url: string; weight?: number }>): Promise<void> {
  await gw.writeDynamic('retry.yaml', {
    http: {
      routers: {
        r: { rule: 'PathPrefix(`/r`)', service: 'svc', middlewares: chain },
        plain: { rule: 'PathPrefix(`/plain`)', service: 'svc' },
        [`marker${++installs}`]: { rule: 'PathPrefix(`/marker`)', service: 'svc' },
      },
      middlewares,
      services: { svc: { loadBalancer: { servers } } },
    },
  });
}

let ids = 0;
async function call(path: string, init: RequestInit & { fail?: number; failStatus?: number } = {}) {
  const id = `req-${++ids}`;
  const headers = { 'x-id': id, 'x-fail': String(init.fail ?? 0), 'x-fail-status': String(init.failStatus ?? 503), ...((init.headers as Record<string, string>) ?? {}) };
  const res = await fetch(gw.url(path), { ...init, headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, text: body.toString(), headers: res.headers, id };
}

const live = [{ url: server.url }];
const deadFirst = [{ url: `http://127.0.0.1:${closedPort}`, weight: 100 }, { url: server.url, weight: 1 }];

t.test('a first attempt that is kept', async (t) => {
  await install({ again: { retry: { attempts: 3, status: ['503'] } } }, ['again'], live);
  const through = await call('/r/x', { fail: 1, failStatus: 404 });
  const plain = await call('/plain/r/x', { fail: 1, failStatus: 404 });
  t.equal(through.status, 404, 'a status that is not listed is the answer');
  t.equal(hits.get(through.id), 1, 'sent once');
  t.equal(through.body.length, 256 * 1024, 'its whole body streams through');
  for (const name of ['content-type', 'x-failed', 'x-attempt', 'set-cookie', 'content-length', 'transfer-encoding']) {
    t.equal(through.headers.get(name), plain.headers.get(name), `${name} is as on a router without retry`);
  }
  t.equal(through.headers.get('x-switchyard-capture-probe'), null, 'the probe never reaches the client');
  const ok = await call('/r/x');
  t.equal(ok.status, 200);
  t.same(JSON.parse(ok.text), { path: '/r/x', added: null, size: 0, method: 'GET' });
  t.equal(ok.headers.get('x-server-header'), 'kept');
  const head = await call('/r/x', { method: 'HEAD' });
  t.equal(head.status, 200, 'HEAD is answered');
  t.equal(head.body.length, 0);
});

t.test('a first attempt that is dropped', async (t) => {
  const cases: Array<{ name: string; servers: typeof live; method: string; body?: string; fail?: number; status: number; size: number; tries?: number }> = [
    { name: 'a GET without body is retried after a network error', servers: deadFirst, method: 'GET', status: 200, size: 0 },
    { name: 'a GET without body is retried after a listed status', servers: live, method: 'GET', fail: 2, status: 200, size: 0, tries: 3 },
    { name: 'a PUT with a body is replayed after a network error', servers: deadFirst, method: 'PUT', body: 'payload'.repeat(1000), status: 200, size: 7000 },
    { name: 'a PUT with a body is replayed after a listed status', servers: live, method: 'PUT', body: 'payload', fail: 1, status: 200, size: 7, tries: 2 },
    { name: 'a DELETE with an empty body (Content-Length: 0) is retried', servers: live, method: 'DELETE', body: '', fail: 1, status: 200, size: 0, tries: 2 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install({ again: { retry: { attempts: 3, status: ['503'] } }, add: { headers: { customRequestHeaders: { 'X-Added': 'once' } } }, pre: { addPrefix: { prefix: '/p' } } }, ['again', 'add', 'pre'], c.servers);
      for (let i = 0; i < 4; i++) {
        const res = await call('/r/x', { method: c.method, fail: c.fail ?? 0, ...(c.body !== undefined ? { body: c.body } : {}) });
        t.equal(res.status, c.status);
        const seen = JSON.parse(res.text) as Record<string, unknown>;
        t.same(seen, { path: '/p/r/x', added: 'once', size: c.size, method: c.method }, 'the kept attempt started from the pristine request');
        t.equal(res.headers.get('x-failed'), null, "none of a dropped attempt's headers reach the client");
        if (c.tries) t.equal(hits.get(res.id), c.tries, `the server saw ${c.tries} attempts`);
      }
    });
  }
});

t.test('headers set in front of retry', async (t) => {
  await install({ pre: { testEarlyHeader: {} }, again: { retry: { attempts: 2, status: ['503'] } } }, ['pre', 'again'], live);
  const dropped = await call('/r/x', { fail: 1 });
  t.equal(dropped.status, 200);
  t.equal(dropped.headers.get('x-early'), 'set-before-retry', 'survive a dropped attempt');
  const last = await call('/r/x', { fail: 5 });
  t.equal(last.status, 503);
  t.equal(last.headers.get('x-early'), 'set-before-retry', 'are on the last answer');
  await install({ pre: { testEarlyHeader: {} }, again: { retry: { attempts: 2 } } }, ['pre', 'again'], [{ url: `http://127.0.0.1:${closedPort}` }]);
  const failed = await call('/r/x');
  t.equal(failed.status, 502, "the gateway's own answer when every attempt failed");
  t.equal(failed.headers.get('x-early'), 'set-before-retry', 'keeps them too');
  t.equal(failed.headers.get('x-switchyard-capture-probe'), null);
});

t.test('middlewares after retry that wrap the response', async (t) => {
  const cases: Array<{ name: string; after: Record<string, unknown>; headers?: Record<string, string>; hits?: number }> = [
    {
      name: 'compress',
      after: { compress: { minResponseBodyBytes: 1 } },
      headers: { 'accept-encoding': 'gzip' },
    },
    { name: 'inFlightReq with room for one request (the dropped attempt frees its slot)', after: { inFlightReq: { amount: 1 } } },
    { name: 'buffering', after: { buffering: {} } },
    { name: 'circuitBreaker', after: { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.99' } } },
    { name: 'timeout', after: { timeout: { request: '20s', responseHeader: '20s' } } },
    // The page is asked of the same server with the same headers: one more hit for the request id.
    { name: 'errors (the page that replaced the 503 is dropped)', after: { errors: { status: ['503'], service: 'svc', query: '/page' } }, hits: 3 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install({ again: { retry: { attempts: 3, status: ['503'] } }, after: c.after }, ['again', 'after'], live);
      for (let i = 0; i < 3; i++) {
        const res = await call('/r/x', { fail: 1, ...(c.headers ? { headers: c.headers } : {}) });
        t.equal(res.status, 200, 'the second attempt is the answer');
        t.equal(hits.get(res.id), c.hits ?? 2);
        t.equal(res.headers.get('x-failed'), null);
        t.match(res.text, /"method":"GET"/, 'with its body');
      }
      const kept = await call('/r/x');
      t.equal(kept.status, 200, 'a first attempt that is kept passes too');
    });
  }
});

t.test('middlewares in front of retry that wrap the response', async (t) => {
  const cases: Array<{ name: string; before: Record<string, unknown>; headers?: Record<string, string> }> = [
    { name: 'compress', before: { compress: { minResponseBodyBytes: 1 } }, headers: { 'accept-encoding': 'gzip' } },
    { name: 'buffering', before: { buffering: {} } },
    { name: 'headers', before: { headers: { customResponseHeaders: { 'X-Front': 'yes', 'X-Failed': '' } } } },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install({ before: c.before, again: { retry: { attempts: 3, status: ['503'] } } }, ['before', 'again'], live);
      for (const fail of [0, 1, 2]) {
        const res = await call('/r/x', { fail, ...(c.headers ? { headers: c.headers } : {}) });
        t.equal(res.status, 200, `${fail} dropped attempt(s), then the answer`);
        t.equal(hits.get(res.id), fail + 1);
        t.equal(res.headers.get('x-failed'), null);
        t.match(res.text, /^\{"path":"\/r\/x".*\}\n$/s, 'with its whole body');
        if (c.name === 'headers') t.equal(res.headers.get('x-front'), 'yes');
      }
    });
  }
});

t.test('a gzip answer of the kept attempt is whole', async (t) => {
  await install({ again: { retry: { attempts: 3, status: ['503'] } }, zip: { compress: { minResponseBodyBytes: 1 } } }, ['again', 'zip'], live);
  for (const fail of [0, 1]) {
    const id = `req-${++ids}`;
    const { status, encoding, body } = await new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = http.get(gw.url('/r/x'), { headers: { 'x-id': id, 'x-fail': String(fail), 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    t.equal(status, 200, `${fail} dropped attempt(s)`);
    t.equal(encoding, 'gzip', 'compressed by the middleware after retry');
    t.match(gunzipSync(body).toString(), /^\{"path":"\/r\/x".*\}\n$/s, 'every byte went through the compressor');
  }
});
