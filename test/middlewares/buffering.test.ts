import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import t from 'tap';
import { bufferingMiddleware } from '../../middlewares/buffering.js';
import { startBackend, startRawBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

// Echoes what arrived (framing headers, size, digest); `/big/<n>` answers n bytes, chunked; x-fail fails attempts.
let hits = 0;
const seen = new Map<string, number>();
const backend = await startBackend((req, res) => {
  hits++;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const big = /^\/b\/big\/(\d+)/.exec(req.url ?? '');
    if (big) {
      const total = Number(big[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let sent = 0; sent < total; sent += 1000) res.write(Buffer.alloc(Math.min(1000, total - sent), 'z'));
      return void res.end();
    }
    const id = String(req.headers['x-id'] ?? '');
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n <= Number(req.headers['x-fail'] ?? 0)) {
      res.writeHead(503);
      return void res.end('busy');
    }
    const body = Buffer.concat(chunks);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ attempt: n, length: req.headers['content-length'] ?? null, te: req.headers['transfer-encoding'] ?? null, size: body.length, sha: sha(body) }));
  });
});
let resets = 0;
const resetting = await startRawBackend((socket: Socket) => {
  resets++;
  socket.resetAndDestroy();
});
const gw = await startTestGateway({ middlewares: [bufferingMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await resetting.close();
});

let installs = 0;
async function install(buffering: Record<string, unknown>, url = backend.url): Promise<void> {
  await gw.writeDynamic('buf.yaml', {
    http: {
      routers: {
        b: { rule: 'PathPrefix(`/b`)', service: 'svc', middlewares: ['buf'] },
        [`marker${++installs}`]: { rule: 'PathPrefix(`/marker`)', service: 'svc' },
      },
      middlewares: { buf: { buffering } },
      services: { svc: { loadBalancer: { servers: [{ url }] } } },
    },
  });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends `body` in pieces; `chunked` leaves out Content-Length so the client frames it chunked. */
function send(path: string, body: Buffer | undefined, opts: { chunked?: boolean; method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (body && !opts.chunked) headers['content-length'] = String(body.length);
    const req = http.request(gw.url(path), { method: opts.method ?? (body ? 'POST' : 'GET'), headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) for (let i = 0; i < body.length; i += 700) req.write(body.subarray(i, i + 700));
    req.end();
  });
}

async function spillFiles(): Promise<number> {
  return (await readdir(os.tmpdir())).filter((f) => f.startsWith('switchyard-buffer-')).length;
}

t.test('requests', async (t) => {
  const payload = Buffer.alloc(5000, 'p');
  const cases: Array<{ name: string; options: Record<string, unknown>; body?: Buffer; chunked?: boolean; status: number; size?: number }> = [
    { name: 'a chunked body reaches the server whole, with its length', options: {}, body: payload, chunked: true, status: 200, size: 5000 },
    { name: 'a body above memRequestBodyBytes is spilled to disk and sent intact', options: { memRequestBodyBytes: 100 }, body: payload, status: 200, size: 5000 },
    { name: 'a body at the limit is accepted', options: { maxRequestBodyBytes: 5000 }, body: payload, status: 200, size: 5000 },
    { name: 'a declared length over the limit gets 413 at once', options: { maxRequestBodyBytes: 4999 }, body: payload, status: 413 },
    { name: 'a chunked body over the limit gets 413', options: { maxRequestBodyBytes: 1000 }, body: payload, chunked: true, status: 413 },
    { name: 'a request without a body passes', options: { maxRequestBodyBytes: 10 }, status: 200, size: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install(c.options);
      const before = hits;
      const res = await send('/b/echo', c.body, { chunked: c.chunked });
      t.equal(res.status, c.status);
      if (c.status !== 200) {
        t.equal(res.body.toString(), 'Request Entity Too Large\n');
        t.equal(hits, before, 'the server never saw it');
        return;
      }
      const echo = JSON.parse(res.body.toString()) as { length: string | null; te: string | null; size: number; sha: string };
      t.equal(echo.size, c.size, 'every byte arrived');
      t.equal(echo.te, null, 'not chunked');
      if (c.body) {
        t.equal(echo.length, String(c.body.length), 'with Content-Length');
        t.equal(echo.sha, sha(c.body), 'unchanged');
      }
    });
  }
  t.equal(await spillFiles(), 0, 'no temporary file is left behind');
});

t.test('responses', async (t) => {
  const cases: Array<{ name: string; options: Record<string, unknown>; size: number; status: number }> = [
    { name: 'a chunked response goes out with its length', options: {}, size: 3500, status: 200 },
    { name: 'a response above memResponseBodyBytes is spilled and sent intact', options: { memResponseBodyBytes: 1000 }, size: 100_000, status: 200 },
    { name: 'a response over maxResponseBodyBytes becomes a 500', options: { maxResponseBodyBytes: 4000 }, size: 5000, status: 500 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await install(c.options);
      const res = await send(`/b/big/${c.size}`, undefined);
      t.equal(res.status, c.status);
      if (c.status === 200) {
        t.equal(res.headers['content-length'], String(c.size));
        t.equal(res.headers['transfer-encoding'], undefined);
        t.equal(res.body.length, c.size);
      } else t.equal(res.body.toString(), 'Internal Server Error\n');
    });
  }
  t.equal(await spillFiles(), 0, 'no temporary file is left behind');
});

t.test('retryExpression', async (t) => {
  await t.test('network errors are retried while the expression holds', async (t) => {
    await install({ retryExpression: 'IsNetworkError() && Attempts() < 3' }, resetting.url);
    resets = 0;
    const res = await send('/b/x', undefined);
    t.equal(res.status, 502);
    t.equal(resets, 3, 'three attempts');
  });
  await t.test('a status can be retried, with the body replayed', async (t) => {
    await install({ retryExpression: 'ResponseCode() == 503 && Attempts() < 2' });
    const body = Buffer.from('replay me');
    const res = await send('/b/x', body, { method: 'PUT', headers: { 'x-id': 'r1', 'x-fail': '1' } });
    t.equal(res.status, 200);
    t.match(JSON.parse(res.body.toString()), { attempt: 2, size: body.length, sha: sha(body) });
  });
  await t.test('without an expression nothing is retried', async (t) => {
    await install({});
    const res = await send('/b/x', undefined, { headers: { 'x-id': 'r2', 'x-fail': '1' } });
    t.equal(res.status, 503);
    t.equal(res.body.toString(), 'busy', 'the server answer is relayed');
  });
});

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'an unfinished retryExpression names the position', config: { buffering: { retryExpression: 'Attempts() <' } }, error: /retryExpression: unexpected "end of expression" at position 13/ },
    { name: 'an unknown function is rejected', config: { buffering: { retryExpression: 'NetworkErrorRatio() > 1' } }, error: /retryExpression: unknown function "NetworkErrorRatio"/ },
    { name: 'a number is not a condition', config: { buffering: { retryExpression: 'Attempts() || IsNetworkError()' } }, error: /retryExpression: expected a condition/ },
    { name: 'a negative size is rejected', config: { buffering: { maxRequestBodyBytes: -1 } }, error: /maxRequestBodyBytes/ },
    { name: 'an unknown option is rejected', config: { buffering: { maxBodyBytes: 1 } }, error: /maxBodyBytes/ },
  ]);
});
