import t from 'tap';
import http from 'node:http';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createEventStreams } from '../../../src/api/events.js';
import type { GatewayView } from '../../../src/gateway-view.js';

t.test('streams send heartbeats as comments and end when closed', async (t) => {
  const events = new EventEmitter();
  const view = { events, version: () => 7, ready: () => false } as unknown as GatewayView;
  const streams = createEventStreams(view, 20);
  const server = http.createServer((_req, res) => streams.open(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const req = http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  t.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  while (!text.includes(': heartbeat')) await new Promise((r) => setTimeout(r, 10));
  t.ok(text.startsWith('event: hello\ndata: {"version":7,"ready":false}\n\n'), 'hello comes first');
  t.equal(streams.size(), 1);
  const ended = once(res, 'end');
  streams.close();
  await ended;
  t.equal(streams.size(), 0, 'closing ends every stream');
  t.equal(events.listenerCount('applied'), 0, 'and stops listening to the gateway');
  streams.close();
  t.pass('closing twice is harmless');
});

t.test('with no client listening, an applied table is not diffed; with one, it is', async (t) => {
  const events = new EventEmitter();
  const view = { events, version: () => 1, ready: () => true } as unknown as GatewayView;
  const streams = createEventStreams(view, 60_000);
  t.teardown(() => streams.close());
  // Counts every read of the tables' statuses: the diff is what reads them.
  let reads = 0;
  const table = (routers: Record<string, object>) => ({
    get status() {
      reads++;
      return { routers, services: {}, middlewares: {} };
    },
  });
  events.emit('applied', { version: 2, previous: table({}), table: table({ 'a@file': { name: 'a@file' } }) });
  t.equal(reads, 0, 'nothing read without listeners');
  const written: string[] = [];
  streams.open({ writeHead: () => undefined, write: (text: string) => written.push(text), on: () => undefined, end: () => undefined } as unknown as http.ServerResponse);
  events.emit('applied', { version: 3, previous: table({}), table: table({ 'a@file': { name: 'a@file' } }) });
  t.ok(reads > 0, 'read once a client listens');
  t.match(written.at(-1), /^id: 3\ndata: .*"added":\{"routers":\["a@file"\]/, 'and the client gets the diff');
});
