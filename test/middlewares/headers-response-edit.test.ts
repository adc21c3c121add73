// Custom response headers as the client receives them, line by line: on a server's answer, a 304, a HEAD,
// the gateway's own errors, answers a later middleware writes, and behind a retry that drops an attempt.
import t from 'tap';
import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { startRawBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { rawRequest } from '../helpers/raw-request.js';

// The server's answer, with names in mixed case and a repeated field; `/304` and `/fail-once` vary it.
const failed = new Set<string>();
const server = await startRawBackend((socket, head) => {
  const path = head.split(' ')[1] ?? '/';
  const id = /x-id: (\S+)/i.exec(head)?.[1] ?? '';
  if (path.endsWith('/fail-once') && !failed.has(id)) {
    failed.add(id);
    socket.end('HTTP/1.1 503 Service Unavailable\r\nX-Custom: failed\r\nContent-Length: 4\r\n\r\nfail');
    return;
  }
  if (path.endsWith('/304')) {
    socket.end('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nServer: backend/1.0\r\nX-CUSTOM: from-backend\r\n\r\n');
    return;
  }
  socket.end(
    'HTTP/1.1 200 OK\r\nServer: backend/1.0\r\nX-CUSTOM: from-backend\r\nX-Powered-By: php\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Other: kept\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
  );
});
const closedPort = await freePort();

// A later middleware that sets response headers through setHeader before the head is written.
const early = defineMiddleware({
  type: 'testSetsHeaders',
  schema: Type.Object({}),
  create: (_config, next) => (req, res) => {
    res.setHeader('x-early', 'yes');
    res.setHeader('Server', 'early');
    return next(req, res);
  },
});

const gw = await startTestGateway({ middlewares: [early], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await server.close();
});
const custom = { 'X-Custom': 'yes', Server: '', 'X-Powered-By': 'switchyard', 'X-Added': 'new', 'x-added': 'last-wins' };
const live = { loadBalancer: { servers: [{ url: server.url }] } };
await gw.writeDynamic('headers.yaml', {
  http: {
    routers: {
      edit: { rule: 'PathPrefix(`/edit`)', service: 'live', middlewares: ['hdr'] },
      down: { rule: 'PathPrefix(`/down`)', service: 'down', middlewares: ['hdr'] },
      later: { rule: 'PathPrefix(`/later`)', service: 'live', middlewares: ['hdr', 'sets'] },
      strip: { rule: 'PathPrefix(`/strip`)', service: 'live', middlewares: ['hdr', 'strip'] },
      retried: { rule: 'PathPrefix(`/retried`)', service: 'live', middlewares: ['hdr', 'again'] },
      retriedDown: { rule: 'PathPrefix(`/retriedDown`)', service: 'down', middlewares: ['hdr', 'again'] },
    },
    middlewares: {
      hdr: { headers: { customResponseHeaders: custom } },
      sets: { testSetsHeaders: {} },
      strip: { stripPrefix: { prefixes: ['/strip'] } },
      again: { retry: { attempts: 3, status: ['503'] } },
    },
    services: { live, down: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${closedPort}` }] } } },
  },
});

/** The response's status and header lines (lower-cased names, in order, Date left out). */
async function headLines(path: string, method = 'GET'): Promise<{ status: number; lines: string[] }> {
  const text = await rawRequest(gw.port(), `${method} ${path} HTTP/1.1\r\nHost: app.test\r\nX-Id: ${Math.random()}\r\nConnection: close\r\n\r\n`, 10_000, { untilClose: true });
  const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
  const lines = head.slice(1).map((line) => {
    const colon = line.indexOf(':');
    return `${line.slice(0, colon).toLowerCase()}: ${line.slice(colon + 1).trim()}`;
  });
  return { status: Number(head[0]!.split(' ')[1]), lines: lines.filter((l) => !l.startsWith('date:')) };
}

const served = ['x-custom: yes', 'x-powered-by: switchyard', 'set-cookie: a=1', 'set-cookie: b=2', 'x-other: kept', 'content-type: text/plain', 'content-length: 2', 'x-added: last-wins'];
const cases: Array<{ name: string; path: string; method?: string; status: number; lines: string[] }> = [
  { name: "a server's answer: replaced where the server had them, removed, added", path: '/edit/x', status: 200, lines: [...served, 'connection: close'] },
  { name: 'a HEAD answer', path: '/edit/x', method: 'HEAD', status: 200, lines: [...served, 'connection: close'] },
  { name: 'a 304', path: '/edit/304', status: 304, lines: ['etag: "v1"', 'x-custom: yes', 'x-powered-by: switchyard', 'x-added: last-wins', 'connection: close'] },
  {
    name: "the gateway's 502",
    path: '/down/x',
    status: 502,
    lines: ['content-type: text/plain; charset=utf-8', 'content-length: 12', 'x-custom: yes', 'x-powered-by: switchyard', 'x-added: last-wins', 'connection: close'],
  },
  {
    name: 'headers a later middleware set with setHeader',
    path: '/later/x',
    status: 200,
    lines: ['x-early: yes', 'x-custom: yes', 'x-powered-by: switchyard', 'set-cookie: a=1', 'set-cookie: b=2', 'x-other: kept', 'content-type: text/plain', 'content-length: 2', 'x-added: last-wins', 'connection: close'],
  },
  {
    name: 'a 400 a later middleware writes',
    path: '/strip../x',
    status: 400,
    lines: ['content-type: text/plain; charset=utf-8', 'content-length: 12', 'x-content-type-options: nosniff', 'x-custom: yes', 'x-powered-by: switchyard', 'x-added: last-wins', 'connection: close'],
  },
  { name: 'the kept attempt behind a retry that dropped one', path: '/retried/fail-once', status: 200, lines: [...served, 'connection: close'] },
  {
    name: "the gateway's 502 behind a retry whose attempts all failed",
    path: '/retriedDown/x',
    status: 502,
    lines: ['content-type: text/plain; charset=utf-8', 'content-length: 12', 'x-custom: yes', 'x-powered-by: switchyard', 'x-added: last-wins', 'connection: close'],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { status, lines } = await headLines(c.path, c.method);
    t.equal(status, c.status);
    t.same([...lines].sort(), [...c.lines].sort(), 'the same header lines');
    t.equal(lines.filter((l) => l.startsWith('x-custom:')).length, 1, 'X-Custom once');
  });
}
