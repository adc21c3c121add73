import t from 'tap';
import net, { type AddressInfo, type Socket } from 'node:net';
import { rawRequest, startBackend, startRawBackend, statusOf } from '../../helpers/backends.js';
import { startHarness } from '../../helpers/forward-harness.js';
import { createTransport } from '../../../src/proxy/transport.js';

const GET = 'GET /x HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('a refused connection is answered with 502 and reported as refused', async (t) => {
  const harness = await startHarness({ target: `http://127.0.0.1:${await closedPort()}` });
  t.teardown(() => harness.close());
  const result = await rawRequest(harness.port, GET);
  t.equal(statusOf(result.text), 502);
  t.same(await harness.nextOutcome(), { status: 502, error: 'refused', responded: false });
});

t.test('an unknown server name is answered with 502', async (t) => {
  const harness = await startHarness({ target: 'http://no-such-host.invalid:80' });
  t.teardown(() => harness.close());
  const result = await rawRequest(harness.port, GET, 10_000);
  t.equal(statusOf(result.text), 502);
  t.equal((await harness.nextOutcome()).error, 'refused');
});

t.test('a server that sends no headers within responseHeaderTimeout gets 504, not a reset', async (t) => {
  const backend = await startRawBackend(() => undefined);
  const transport = createTransport({ forwardingTimeouts: { responseHeaderTimeout: '200ms' } });
  const harness = await startHarness({ target: backend.url, transport });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
    transport.dispose();
  });
  const started = Date.now();
  const result = await rawRequest(harness.port, GET);
  t.equal(statusOf(result.text), 504);
  t.ok(Date.now() - started >= 190, 'waited for the timeout');
  t.same(await harness.nextOutcome(), { status: 504, error: 'timeout', responded: false });
});

t.test('a slow but timely server is not cut by responseHeaderTimeout', async (t) => {
  const backend = await startBackend((_req, res) => setTimeout(() => res.end('late'), 50));
  const transport = createTransport({ forwardingTimeouts: { responseHeaderTimeout: '1s' } });
  const harness = await startHarness({ target: backend.url, transport });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
    transport.dispose();
  });
  t.equal(await fetch(harness.url).then((r) => r.text()), 'late');
});

const malformed: Array<[string, string, number, string]> = [
  // [description, raw server answer, status the client sees, outcome error]
  ['status 099 is answered with 502', 'HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nhi', 502, 'bad-response'],
  ['status 600 is answered with 502', 'HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nhi', 502, 'bad-response'],
  ['an unsolicited 101 to a plain request is answered with 502', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 502, 'bad-response'],
  ['a garbage answer is answered with 502', 'SSH-2.0-OpenSSH_9.0\r\n\r\n', 502, 'bad-response'],
  ['a response with both Content-Length and chunked is answered with 502', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 502, 'bad-response'],
  ['a connection closed without an answer is answered with 502', '', 502, 'reset'],
  ['a body in a transfer coding other than chunked is answered with 502', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxxxx', 502, 'bad-response'],
];
for (const [name, answer, status, error] of malformed) {
  t.test(`${name}, and the gateway still serves`, async (t) => {
    const backend = await startRawBackend((socket: Socket) => (answer ? socket.end(answer) : socket.destroy()));
    const good = await startBackend((_req, res) => res.end('fine'));
    const harness = await startHarness({ target: backend.url });
    t.teardown(async () => {
      await harness.close();
      await backend.close();
      await good.close();
    });
    const result = await rawRequest(harness.port, GET);
    t.equal(result.ended, 'closed', 'the client is not left hanging');
    t.equal(statusOf(result.text), status);
    const outcome = await harness.nextOutcome();
    t.equal(outcome.status, status);
    t.equal(outcome.error, error);
    const again = await startHarness({ target: good.url });
    t.teardown(() => again.close());
    t.equal(await fetch(again.url).then((r) => r.text()), 'fine');
  });
}

const truncated: Array<[string, string]> = [
  ['a body shorter than its Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello'],
  ['a chunked body without its last chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'],
];
for (const [name, answer] of truncated) {
  t.test(`${name} reaches the client visibly broken, not hanging`, async (t) => {
    const backend = await startRawBackend((socket: Socket) => socket.end(answer));
    const harness = await startHarness({ target: backend.url });
    t.teardown(async () => {
      await harness.close();
      await backend.close();
    });
    const result = await rawRequest(harness.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    t.equal(result.ended, 'closed', 'the connection was closed');
    t.equal(statusOf(result.text), 200, 'the headers had been relayed');
    t.notMatch(result.text, /Bad Gateway/, 'no error body appended to partial data');
    t.notMatch(result.text, /\r\n0\r\n\r\n$/, 'no clean end of the chunked body');
    const outcome = await harness.nextOutcome();
    t.equal(outcome.status, 200);
    t.equal(outcome.responded, true);
    t.ok(outcome.error, `reported as ${outcome.error}`);
  });
}

t.test('a Content-Length with leading zeros reaches the client as its canonical decimal', async (t) => {
  const backend = await startRawBackend((socket: Socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 003\r\n\r\nabc'));
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, GET);
  t.match(result.text.toLowerCase(), /content-length: 3\r\n/);
  t.match(result.text, /\r\n\r\nabc$/);
});

t.test('a close-delimited body is relayed whole', async (t) => {
  const backend = await startRawBackend((socket: Socket) => socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close'));
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  t.equal(await fetch(harness.url).then((r) => r.text()), 'until close');
  t.same(await harness.nextOutcome(), { status: 200, responded: true });
});

t.test('a 204 with stray body bytes still gives the client a clean 204', async (t) => {
  const backend = await startRawBackend((socket: Socket) => socket.end('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello'));
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, GET);
  t.equal(statusOf(result.text), 204);
  t.notMatch(result.text.toLowerCase(), /content-length/);
  t.notMatch(result.text, /hello/);
});

t.test('a client that leaves before the answer is reported as 499 and the server request is aborted', async (t) => {
  let serverSawClose: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (serverSawClose = resolve));
  const backend = await startBackend((req) => req.socket.once('close', () => serverSawClose()));
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const socket = net.connect(harness.port, '127.0.0.1', () => socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 100);
  t.same(await harness.nextOutcome(), { status: 499, error: 'client-gone', responded: false });
  await aborted;
  t.pass('the server connection was closed too');
});

t.test('a client that leaves during its upload is reported as 499 and the server upload is aborted', async (t) => {
  let serverSawAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (serverSawAbort = resolve));
  const backend = await startBackend((req) => {
    req.on('data', () => undefined);
    req.once('close', () => {
      if (!req.complete) serverSawAbort();
    });
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const socket = net.connect(harness.port, '127.0.0.1', () => socket.write('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial'));
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 100);
  t.same(await harness.nextOutcome(), { status: 499, error: 'client-gone', responded: false });
  await aborted;
  t.pass('the server saw an incomplete upload');
});

t.test('a server connection abandoned mid-body is not reused for the next request', async (t) => {
  let count = 0;
  const backend = await startRawBackend((socket: Socket) => {
    count++;
    if (count === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello');
    else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  await rawRequest(harness.port, GET, 300);
  t.equal((await harness.nextOutcome()).status, 499, 'the client gave up on the stalled body');
  const second = await rawRequest(harness.port, GET);
  t.equal(statusOf(second.text), 200);
  t.match(second.text, /ok$/);
  t.equal(count, 2, 'two server connections');
});

t.test('a GET that meets a pooled connection the server just closed is sent again on a new one', async (t) => {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    const first = connections === 1;
    let requests = 0;
    socket.on('error', () => undefined);
    socket.on('data', () => {
      requests++;
      // The first connection dies exactly when it is reused, like a server's keep-alive timeout racing the pool.
      if (first && requests === 2) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const harness = await startHarness({ target: `http://127.0.0.1:${port}` });
  t.teardown(async () => {
    await harness.close();
    server.close();
  });
  t.equal(await fetch(`${harness.url}/one`).then((r) => r.text()), 'ok');
  t.equal(await fetch(`${harness.url}/two`).then((r) => r.text()), 'ok');
  t.equal(connections, 2, 'the second request went out on a fresh connection');
  await harness.nextOutcome();
  t.same(await harness.nextOutcome(), { status: 200, responded: true });
});

t.test('a POST that meets a dead pooled connection is not sent twice', async (t) => {
  let connections = 0;
  let posts = 0;
  const server = net.createServer((socket) => {
    connections++;
    const first = connections === 1;
    let requests = 0;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      requests++;
      if (chunk.toString().startsWith('POST')) posts++;
      if (first && requests === 2) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const harness = await startHarness({ target: `http://127.0.0.1:${port}` });
  t.teardown(async () => {
    await harness.close();
    server.close();
  });
  await fetch(`${harness.url}/one`).then((r) => r.text());
  const response = await fetch(`${harness.url}/two`, { method: 'POST', body: 'x' });
  t.equal(response.status, 502);
  t.equal(posts, 1);
});
