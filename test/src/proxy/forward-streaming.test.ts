import t from 'tap';
import http from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { rawRequest, startBackend, startRawBackend } from '../../helpers/backends.js';
import { startHarness } from '../../helpers/forward-harness.js';

const MiB = 1024 * 1024;

t.test('sequential requests reuse one pooled connection to the server', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  for (let i = 0; i < 10; i++) t.equal(await fetch(`${harness.url}/n${i}`).then((r) => r.text()), 'ok');
  t.equal(backend.connections(), 1);
});

t.test('a download streams: the client sees the first bytes before the server has finished', async (t) => {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const backend = await startBackend(async (_req, res) => {
    res.writeHead(200, { 'content-length': String(17 * MiB) });
    res.write(Buffer.alloc(MiB, 1));
    await released;
    for (let i = 0; i < 16; i++) {
      if (!res.write(Buffer.alloc(MiB, 2))) await once(res, 'drain');
    }
    res.end();
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const response = await fetch(harness.url);
  t.equal(response.headers.get('content-length'), String(17 * MiB), 'Content-Length is kept');
  const reader = response.body!.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total >= MiB) release();
  }
  t.equal(total, 17 * MiB);
  t.same(await harness.nextOutcome(), { status: 200, responded: true });
});

t.test('an upload streams: the server sees the first bytes before the client has finished', async (t) => {
  let firstSeen: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (firstSeen = resolve));
  const backend = await startBackend((req, res) => {
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      firstSeen();
    });
    req.on('end', () => res.end(String(total)));
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const req = http.request(`${harness.url}/upload`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
  const response = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
  req.write(Buffer.alloc(MiB, 1));
  await seen;
  for (let i = 0; i < 8; i++) {
    if (!req.write(Buffer.alloc(MiB, 2))) await once(req, 'drain');
  }
  req.end();
  t.equal(await response, String(9 * MiB));
});

t.test('a server-sent event arrives before the stream ends', async (t) => {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const backend = await startBackend(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: first\n\n');
    await finished;
    res.end('data: last\n\n');
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const response = await fetch(`${harness.url}/events`);
  t.equal(response.headers.get('content-type'), 'text/event-stream');
  const reader = response.body!.getReader();
  const first = await reader.read();
  t.equal(Buffer.from(first.value!).toString(), 'data: first\n\n', 'the first event came while the server still held the stream');
  finish();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += Buffer.from(value).toString();
  }
  t.equal(rest, 'data: last\n\n');
});

t.test('a HEAD response keeps the server Content-Length without a body', async (t) => {
  const backend = await startBackend((_req, res) => {
    res.writeHead(200, { 'content-length': '1234' });
    res.end();
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const response = await fetch(harness.url, { method: 'HEAD' });
  t.equal(response.headers.get('content-length'), '1234');
  t.same(await harness.nextOutcome(), { status: 200, responded: true });
});

t.test('a 204 response reaches the client without Content-Length', async (t) => {
  const backend = await startBackend((_req, res) => {
    res.writeHead(204);
    res.end();
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const response = await fetch(harness.url);
  t.equal(response.status, 204);
  t.equal(response.headers.get('content-length'), null);
});

t.test('103 Early Hints from the server reach the client before the final response', async (t) => {
  const backend = await startRawBackend((socket: Socket) =>
    socket.write('HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload; as=style\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
  );
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.match(result.text, /^HTTP\/1\.1 103 Early Hints\r\n[Ll]ink: <\/app\.css>; rel=preload; as=style\r\n\r\nHTTP\/1\.1 200 OK/);
  t.match(result.text, /\r\n\r\nok$/);
});
