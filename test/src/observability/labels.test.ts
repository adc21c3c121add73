import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { canonicalHeader, methodLabel, protocolOf } from '../../../src/observability/labels.js';

t.test('methods outside the standard set become EXTENSION_METHOD', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    ['GET', 'GET'],
    ['PATCH', 'PATCH'],
    ['CONNECT', 'CONNECT'],
    ['PROPFIND', 'EXTENSION_METHOD'],
    ['get', 'EXTENSION_METHOD'],
    [undefined, 'GET'],
  ];
  for (const [method, label] of cases) t.equal(methodLabel(method), label, `${method} is ${label}`);
});

t.test('the protocol label is read from the request headers', async (t) => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['a plain request is http', {}, 'http'],
    ['a WebSocket upgrade is websocket', { upgrade: 'WebSocket', connection: 'Upgrade' }, 'websocket'],
    ['an event-stream Accept is sse', { accept: 'text/event-stream' }, 'sse'],
    ['a gRPC content type is grpc', { 'content-type': 'application/grpc+proto' }, 'grpc'],
  ];
  for (const [name, headers, protocol] of cases) t.equal(protocolOf({ headers } as unknown as IncomingMessage), protocol, name);
});

t.test('header names are written in canonical form', async (t) => {
  const cases: Array<[string, string]> = [
    ['user-agent', 'User-Agent'],
    ['X-FORWARDED-FOR', 'X-Forwarded-For'],
    ['authorization', 'Authorization'],
  ];
  for (const [name, canonical] of cases) t.equal(canonicalHeader(name), canonical, `${name} → ${canonical}`);
});
