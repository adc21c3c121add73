import t, { type Test } from 'tap';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { trackIdleConnections } from '../../../src/upgrade/idle-connections.js';

// Generous against a loaded machine: a look counts as "too soon" only within GRACE of the one before.
const GRACE = 1500;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A real server whose `/slow` answers only when told to, and raw keep-alive clients.
async function setup(t: Test) {
  const pending: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') pending.push(res);
    else res.end('ok');
  });
  const idle = trackIdleConnections(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const clients: net.Socket[] = [];
  const connect = async (): Promise<net.Socket> => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    clients.push(socket);
    return socket;
  };
  const send = async (socket: net.Socket, path: string): Promise<void> => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    if (path !== '/slow') await once(socket, 'data');
  };
  const until = async (check: () => boolean): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  t.teardown(() => {
    for (const c of clients) c.destroy();
    server.closeAllConnections();
    server.close();
  });
  return { idle, connect, send, pending, until };
}

t.test('a drain closes only connections seen idle for the whole grace', async (t) => {
  const { idle, connect, send, pending, until } = await setup(t);
  const quiet = await connect();
  const busy = await connect();
  await send(quiet, '/');
  await send(busy, '/slow');
  await until(() => pending.length === 1 && idle.open() === 2);
  const ended = once(quiet, 'end');
  // The first look only starts the clocks: nothing is closed on it, however old the connection.
  t.equal(idle.closeIdleFor(GRACE), 0);
  await wait(GRACE + 100);
  t.equal(idle.closeIdleFor(GRACE), 1, 'the quiet connection is ended');
  await ended;
  t.notOk(busy.readableEnded, 'a connection with a response in progress stays open');
  pending[0]!.end('done');
  await once(busy, 'data');
  t.equal(idle.closeIdleFor(GRACE), 0, 'a connection that just finished starts its idle time again');
  await wait(GRACE + 100);
  t.equal(idle.closeIdleFor(GRACE), 1);
});

t.test('a request that came and went between two looks restarts the idle time', async (t) => {
  const { idle, connect, send, until } = await setup(t);
  const client = await connect();
  await until(() => idle.open() === 1);
  t.equal(idle.closeIdleFor(GRACE), 0);
  await wait(GRACE + 100);
  await send(client, '/');
  t.equal(idle.closeIdleFor(GRACE), 0, 'bytes read since the last look count as activity');
  await wait(GRACE + 100);
  t.equal(idle.closeIdleFor(GRACE), 1);
});

t.test('an upgraded connection is never closed as idle', async (t) => {
  const { idle, connect, until } = await setup(t);
  const client = await connect();
  client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  await until(() => idle.open() === 1);
  await wait(50);
  idle.closeIdleFor(10);
  await wait(30);
  t.equal(idle.closeIdleFor(10), 0);
  t.equal(idle.open(), 1);
});
