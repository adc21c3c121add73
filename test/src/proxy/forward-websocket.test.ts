import t from 'tap';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { rawRequest, startBackend, startRawBackend, statusOf } from '../../helpers/backends.js';
import { startHarness } from '../../helpers/forward-harness.js';
import { createTransport } from '../../../src/proxy/transport.js';

interface EchoServer {
  url: string;
  port: number;
  handshakes: IncomingMessage[];
  requests: number;
  close(): Promise<void>;
}

async function startEchoServer(): Promise<EchoServer> {
  const server = http.createServer((_req, res) => {
    state.requests++;
    res.end('plain');
  });
  const wss = new WebSocketServer({ server });
  const state: EchoServer = {
    url: '',
    port: 0,
    handshakes: [],
    requests: 0,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  wss.on('connection', (ws, req) => {
    state.handshakes.push(req);
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

t.test('a WebSocket echoes through the forwarder and settles when it closes', async (t) => {
  const echo = await startEchoServer();
  const harness = await startHarness({ target: echo.url });
  t.teardown(async () => {
    await harness.close();
    await echo.close();
  });
  const client = new WebSocket(`ws://127.0.0.1:${harness.port}/chat/../room%41?x=1`);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const reply = new Promise<string>((resolve) => client.once('message', (data: Buffer) => resolve(data.toString())));
  client.send('hello through the gateway');
  t.equal(await reply, 'hello through the gateway');
  const handshake = echo.handshakes[0];
  t.equal(handshake?.url, '/roomA?x=1', 'the normalised path is forwarded');
  t.equal(handshake?.headers['x-forwarded-proto'], 'ws');
  t.equal(handshake?.headers['x-forwarded-for'], '127.0.0.1');
  client.close();
  t.same(await harness.nextOutcome(), { status: 101, responded: true });
});

const refused: Array<[string, string]> = [
  ['an h2c upgrade is refused and never reaches the server', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n'],
  ['a WebSocket upgrade without Sec-WebSocket-Key is refused', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n'],
  ['a WebSocket upgrade with POST is refused', 'POST / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n'],
];
for (const [name, request] of refused) {
  t.test(name, async (t) => {
    const echo = await startEchoServer();
    const harness = await startHarness({ target: echo.url });
    t.teardown(async () => {
      await harness.close();
      await echo.close();
    });
    const result = await rawRequest(harness.port, request);
    t.equal(statusOf(result.text), 400);
    t.equal(result.ended, 'closed');
    t.equal(echo.handshakes.length + echo.requests, 0, 'the server saw nothing');
    t.same(await harness.nextOutcome(), { status: 400, responded: false });
  });
}

const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

t.test('a server that refuses the upgrade has its answer relayed', async (t) => {
  const backend = await startBackend((_req, res) => {
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic', 'keep-alive': 'timeout=5' });
    res.end('login first');
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, upgrade);
  t.equal(statusOf(result.text), 401);
  t.match(result.text, /login first/);
  t.match(result.text.toLowerCase(), /www-authenticate: basic/);
  t.notMatch(result.text.toLowerCase(), /keep-alive: timeout/);
  t.equal(result.ended, 'closed');
  t.same(await harness.nextOutcome(), { status: 401, responded: true });
});

const badAnswers: Array<[string, string]> = [
  ['a 101 with a wrong Sec-WebSocket-Accept', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n'],
  ['a 101 without Sec-WebSocket-Accept', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
  ['a 101 switching to another protocol', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'],
  ['a status 099 answer', 'HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n'],
];
for (const [name, answer] of badAnswers) {
  t.test(`${name} is answered with 502`, async (t) => {
    const backend = await startRawBackend((socket: Socket) => socket.write(answer));
    const harness = await startHarness({ target: backend.url });
    t.teardown(async () => {
      await harness.close();
      await backend.close();
    });
    const result = await rawRequest(harness.port, upgrade);
    t.equal(statusOf(result.text), 502);
    t.equal(result.ended, 'closed');
    t.same(await harness.nextOutcome(), { status: 502, error: 'bad-response', responded: true });
  });
}

t.test('a valid 101 from a raw server is relayed with its accept key', async (t) => {
  const backend = await startRawBackend((socket: Socket) =>
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nKeep-Alive: timeout=1\r\n\r\n'),
  );
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, upgrade, 300);
  t.equal(statusOf(result.text), 101);
  t.match(result.text, /sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
  t.notMatch(result.text.toLowerCase(), /keep-alive/);
});

t.test('an unreachable WebSocket server is answered with 502', async (t) => {
  const backend = await startBackend(() => undefined);
  const url = backend.url;
  await backend.close();
  const harness = await startHarness({ target: url });
  t.teardown(() => harness.close());
  const result = await rawRequest(harness.port, upgrade);
  t.equal(statusOf(result.text), 502);
  t.same(await harness.nextOutcome(), { status: 502, error: 'refused', responded: false });
});

t.test('a WebSocket server that never answers the handshake gets 504 after responseHeaderTimeout', async (t) => {
  const backend = await startRawBackend(() => undefined);
  const transport = createTransport({ forwardingTimeouts: { responseHeaderTimeout: '200ms' } });
  const harness = await startHarness({ target: backend.url, transport });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
    transport.dispose();
  });
  const result = await rawRequest(harness.port, upgrade);
  t.equal(statusOf(result.text), 504);
  t.same(await harness.nextOutcome(), { status: 504, error: 'timeout', responded: false });
});

t.test('a WebSocket client that leaves before the handshake is reported as 499', async (t) => {
  const backend = await startRawBackend(() => undefined);
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  await rawRequest(harness.port, upgrade, 200);
  t.same(await harness.nextOutcome(), { status: 499, error: 'client-gone', responded: false });
});
