import t from 'tap';
import type { IncomingHttpHeaders } from 'node:http';
import { removeConnectionListed } from '../../../src/entrypoint/connection-listed.js';

// RFC 9110 §7.6.1 and CVE-2021-32813: Connection-listed headers go as the request enters.
const cases: Array<[string, IncomingHttpHeaders, string[], IncomingHttpHeaders]> = [
  ['a listed header is removed', { connection: 'x-secret', 'x-secret': 'v', a: '1' }, [], { connection: 'x-secret', a: '1' }],
  ['several listed headers are removed', { connection: 'X-One, x-two', 'x-one': '1', 'x-two': '2' }, [], { connection: 'X-One, x-two' }],
  ['a header kept by forwardedHeaders.connection survives', { connection: 'x-keep', 'x-keep': 'v' }, ['x-keep'], { connection: 'x-keep', 'x-keep': 'v' }],
  ['the gateway\'s own forwarding headers cannot be removed', { connection: 'x-forwarded-for', 'x-forwarded-for': '1.2.3.4' }, [], { connection: 'x-forwarded-for', 'x-forwarded-for': '1.2.3.4' }],
  ['upgrade stays for the WebSocket handshake', { connection: 'Upgrade', upgrade: 'websocket' }, [], { connection: 'Upgrade', upgrade: 'websocket' }],
  ['keep-alive and close tokens are not header names to remove', { connection: 'keep-alive, close' }, [], { connection: 'keep-alive, close' }],
];
for (const [name, headers, keep, expected] of cases) {
  t.test(name, async (t) => {
    removeConnectionListed(headers, new Set(keep));
    t.same(headers, expected);
  });
}
