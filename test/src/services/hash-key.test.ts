import t from 'tap';
import type { IncomingMessage } from 'node:http';
import type { HashConfig } from '../../../src/config/dynamic-schema.js';
import { setContext } from '../../../src/http/context.js';
import { createHashKey } from '../../../src/services/hash-key.js';

function request(headers: Record<string, string | string[]>, query = '', remoteAddr = '192.0.2.7'): IncomingMessage {
  const req = { headers } as unknown as IncomingMessage;
  setContext(req, { entryPoint: 'web', tls: false, remoteAddr, remotePort: 1, host: 'app.test', path: '/', query, start: 0 });
  return req;
}

const cases: Array<[string, HashConfig | undefined, IncomingMessage, string | undefined]> = [
  ['no hash block uses the peer address', undefined, request({ 'x-forwarded-for': '10.0.0.1' }), '192.0.2.7'],
  ['clientIP with ipStrategy depth 1 uses the last forwarded address', { ipStrategy: { depth: 1 } }, request({ 'x-forwarded-for': '10.0.0.1, 10.0.0.2' }), '10.0.0.2'],
  ['clientIP with a depth past the list has no key', { source: 'clientIP', ipStrategy: { depth: 3 } }, request({ 'x-forwarded-for': '10.0.0.1' }), ''],
  ['clientIP with ipv6Subnet groups a /64 together', { ipStrategy: { ipv6Subnet: 64 } }, request({}, '', '2001:db8:1:2:aaaa::1'), '2001:db8:1:2::'],
  ['a header is read case-insensitively', { source: 'header', name: 'X-Tenant' }, request({ 'x-tenant': 'acme' }), 'acme'],
  ['a missing header has no key', { source: 'header', name: 'x-tenant' }, request({}), undefined],
  ['a repeated header is joined', { source: 'header', name: 'x-tenant' }, request({ 'x-tenant': ['a', 'b'] }), 'a,b'],
  ['a cookie is read from the Cookie header', { source: 'cookie', name: 'sid' }, request({ cookie: 'theme=dark; sid=u42' }), 'u42'],
  ['a quoted cookie value is unquoted', { source: 'cookie', name: 'sid' }, request({ cookie: 'sid="u42"' }), 'u42'],
  ['a missing cookie has no key', { source: 'cookie', name: 'sid' }, request({ cookie: 'theme=dark' }), undefined],
  ['a query parameter is decoded', { source: 'query', name: 'tenant' }, request({}, 'a=1&tenant=acme%20corp'), 'acme corp'],
  ['the first of repeated query parameters is used', { source: 'query', name: 'tenant' }, request({}, 'tenant=x&tenant=y'), 'x'],
  ['a missing query parameter has no key', { source: 'query', name: 'tenant' }, request({}, 'a=1'), undefined],
  ['a request without a query has no key', { source: 'query', name: 'tenant' }, request({}), undefined],
];
for (const [name, config, req, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(createHashKey(config, 'hash')(req), expected);
  });
}

const invalid: Array<[string, HashConfig, string]> = [
  ['a header source needs a name', { source: 'header' }, 'hash.name is required for the header source'],
  ['a cookie source needs a name', { source: 'cookie' }, 'hash.name is required for the cookie source'],
  ['a query source needs a name', { source: 'query' }, 'hash.name is required for the query source'],
  ['clientIP takes no name', { source: 'clientIP', name: 'x' }, 'hash.name applies to the header, cookie and query sources, not clientIP'],
  ['ipStrategy is only for clientIP', { source: 'header', name: 'x', ipStrategy: { depth: 1 } }, 'hash.ipStrategy applies to the clientIP source only'],
  ['an unknown source is named', { source: 'body' as 'header', name: 'x' }, 'hash.source "body" is unknown (expected clientIP, header, cookie or query)'],
];
for (const [name, config, message] of invalid) {
  t.test(name, async (t) => {
    t.throws(() => createHashKey(config, 'hash'), { message });
  });
}
