import t from 'tap';
import { headersFromRaw, relayedHeadersFromRaw } from '../../../src/proxy/undici-response.js';
import { classifyUndiciError } from '../../../src/proxy/undici-forward.js';

const raw = (...pairs: string[]): Buffer[] => pairs.map((s) => Buffer.from(s, 'latin1'));

t.test('raw response headers become the map Node would give: lower-case names, repeated lines kept', async (t) => {
  const headers = headersFromRaw(raw('Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'X-Name', 'caf\u00e9'));
  t.same(headers, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-name': 'caf\u00e9' });
});

const sanitation: Array<[string, Buffer[], number, Record<string, unknown>]> = [
  // [description, raw headers, status, expected map]
  ['hop-by-hop fields and the fields Connection names are removed', raw('Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5', 'X-Secret', '1', 'X-Kept', '2'), 200, { 'x-kept': '2' }],
  ['a Content-Length with leading zeros becomes its canonical decimal', raw('Content-Length', '003'), 200, { 'content-length': '3' }],
  ['a 204 loses its Content-Length', raw('Content-Length', '5', 'X-A', 'b'), 204, { 'x-a': 'b' }],
  ['Connection cannot remove a managed forwarding header', raw('Connection', 'X-Forwarded-For', 'X-Forwarded-For', '1.2.3.4'), 200, { 'x-forwarded-for': '1.2.3.4' }],
  ['every Connection line counts, whatever the case of the names', raw('connection', 'x-a', 'CONNECTION', 'X-B', 'X-A', '1', 'x-b', '2', 'X-C', '3'), 200, { 'x-c': '3' }],
  ['a field named by Connection is removed even after a close token', raw('Connection', 'close, X-Gone', 'X-Gone', '1', 'Close', '2'), 200, {}],
  ['the remaining fields keep the server order and every repeated line', raw('B', '1', 'Connection', 'keep-alive', 'A', '2', 'b', '3', 'Content-Length', '0'), 200, { b: ['1', '3'], a: '2', 'content-length': '0' }],
  ['Transfer-Encoding and the other hop-by-hop fields are never relayed', raw('Transfer-Encoding', 'chunked', 'TE', 'trailers', 'Trailer', 'X', 'Upgrade', 'h2c', 'Proxy-Connection', 'x', 'X-K', 'v'), 200, { 'x-k': 'v' }],
];
for (const [name, input, status, expected] of sanitation) {
  t.test(name, async (t) => {
    const { headers } = relayedHeadersFromRaw(input, status);
    t.same(headers, expected);
    t.same(Object.keys(headers), Object.keys(expected), 'same order');
  });
}

t.test('repeated Transfer-Encoding lines are read as one list, as Node joins them', async (t) => {
  t.same(relayedHeadersFromRaw(raw('Transfer-Encoding', 'gzip', 'Transfer-Encoding', 'chunked'), 200).transferEncoding, { 'transfer-encoding': 'gzip, chunked' });
  t.same(relayedHeadersFromRaw(raw('X-A', '1'), 200).transferEncoding, {});
});

const errors: Array<[string, Error, boolean, string]> = [
  // [description, undici error, timed out, kind]
  ['a stray 101 is a bad response', Object.assign(new Error('bad upgrade'), { code: 'UND_ERR_SOCKET' }), false, 'bad-response'],
  ['an unparsable answer is a bad response', Object.assign(new Error('Expected HTTP/'), { name: 'HTTPParserError' }), false, 'bad-response'],
  ['a body longer or shorter than its Content-Length is a bad response', Object.assign(new Error('mismatch'), { code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' }), false, 'bad-response'],
  ['a closed connection is a reset', Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), false, 'reset'],
  ['a dial timeout is a timeout', Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), false, 'timeout'],
  ['a refused connection is refused', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false, 'refused'],
  ['anything after responseHeaderTimeout fired is a timeout', new Error('aborted'), true, 'timeout'],
];
for (const [name, error, timedOut, kind] of errors) {
  t.test(name, async (t) => {
    t.equal(classifyUndiciError(error, timedOut), kind);
  });
}
