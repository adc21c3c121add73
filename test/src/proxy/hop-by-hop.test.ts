import t from 'tap';
import type { IncomingHttpHeaders } from 'node:http';
import { connectionTokens, droppedNames, isWebSocketUpgrade, stripHopByHop } from '../../../src/proxy/hop-by-hop.js';

const cases: Array<[string, IncomingHttpHeaders, boolean, IncomingHttpHeaders]> = [
  // [description, headers, keepUpgrade, expected]
  [
    'the standard hop-by-hop fields are removed',
    { connection: 'keep-alive', 'keep-alive': 'timeout=5', 'proxy-connection': 'keep-alive', te: 'trailers', 'transfer-encoding': 'chunked', trailer: 'x', upgrade: 'h2c', accept: '*/*' },
    false,
    { accept: '*/*' },
  ],
  ['fields named in Connection are removed', { connection: 'close, X-Secret, authorization', 'x-secret': '1', authorization: 'Basic x', accept: '*/*' }, false, { accept: '*/*' }],
  ['Connection tokens are case-insensitive and trimmed', { connection: '  X-A ,x-b', 'x-a': '1', 'x-b': '2', 'x-c': '3' }, false, { 'x-c': '3' }],
  ['several Connection lines are all read', { connection: ['x-a', 'x-b'] as unknown as string, 'x-a': '1', 'x-b': '2' }, false, {}],
  [
    'managed forwarding headers named in Connection survive (CVE-2024-45410)',
    { connection: 'X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-For, X-Real-Ip, Forwarded, X-Forwarded-Proto', 'x-forwarded-host': 'a', 'x-forwarded-port': '80', 'x-forwarded-for': '1.1.1.1', 'x-real-ip': '1.1.1.1', forwarded: 'for=1.1.1.1', 'x-forwarded-proto': 'http' },
    false,
    { 'x-forwarded-host': 'a', 'x-forwarded-port': '80', 'x-forwarded-for': '1.1.1.1', 'x-real-ip': '1.1.1.1', forwarded: 'for=1.1.1.1', 'x-forwarded-proto': 'http' },
  ],
  ['an underscore alias named in Connection is not removable either', { connection: 'x_forwarded_for', 'x-forwarded-for': '1.1.1.1' }, false, { 'x-forwarded-for': '1.1.1.1' }],
  ['a WebSocket upgrade keeps Upgrade and Connection when asked', { connection: 'keep-alive, Upgrade', upgrade: 'WebSocket', 'sec-websocket-key': 'k' }, true, { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'k' }],
  ['a WebSocket upgrade loses them when not asked', { connection: 'Upgrade', upgrade: 'websocket' }, false, {}],
  ['an h2c upgrade is never kept', { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAA' }, true, {}],
  ['Upgrade without Connection: upgrade is dropped', { upgrade: 'websocket' }, true, {}],
  ['headers without hop-by-hop fields are unchanged', { accept: 'a', 'content-type': 'b' }, false, { accept: 'a', 'content-type': 'b' }],
];
for (const [name, headers, keepUpgrade, expected] of cases) {
  t.test(name, async (t) => {
    t.same(stripHopByHop({ ...headers }, { keepUpgrade }), expected);
  });
}

for (const [name, headers, keepUpgrade] of cases.filter(([, , keep]) => !keep)) {
  t.test(`copying without droppedNames gives what stripHopByHop leaves: ${name}`, async (t) => {
    const dropped = droppedNames(headers.connection);
    const copied = Object.fromEntries(Object.entries(headers).filter(([key]) => !dropped.has(key)));
    t.same(copied, stripHopByHop({ ...headers }, { keepUpgrade }));
  });
}

t.test('Connection tokens are split, trimmed and lower-cased', async (t) => {
  t.same(connectionTokens({ connection: ' Keep-Alive ,, Upgrade' }), ['keep-alive', 'upgrade']);
  t.same(connectionTokens({}), []);
});

t.test('a WebSocket upgrade needs both Upgrade and Connection', async (t) => {
  t.ok(isWebSocketUpgrade({ upgrade: 'websocket', connection: 'keep-alive, Upgrade' }));
  t.notOk(isWebSocketUpgrade({ upgrade: 'websocket' }));
  t.notOk(isWebSocketUpgrade({ upgrade: 'h2c', connection: 'upgrade' }));
});
