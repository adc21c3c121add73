import t from 'tap';
import { describeOn, describeRequest } from '../../../src/api/explain-request.js';
import { DEFAULT_REQUEST_POLICY } from '../../../src/entrypoint/request-policy.js';
import { BadRequest } from '../../../src/api/pagination.js';

t.test('a described request becomes what routing sees', async (t) => {
  const cases: Array<[string, Record<string, string | string[]>, object]> = [
    ['an absolute URL gives host, path and query', { url: 'http://App.Test:8080/a/b?x=1' }, { method: 'GET', host: 'app.test', path: '/a/b', query: 'x=1', tls: false }],
    ['https means TLS', { url: 'https://app.test/' }, { host: 'app.test', tls: true }],
    ['dot segments and unreserved escapes are normalised', { url: 'http://a.test/x/../%7Euser/./p' }, { path: '/~user/p' }],
    ['an origin-form URL takes the Host header', { url: '/p', header: 'Host: a.test.' }, { host: 'a.test', path: '/p' }],
    ['tls=true marks an origin-form request as TLS', { url: '/p', tls: 'true' }, { tls: true }],
    ['the method is upper-cased', { url: '/', method: 'delete' }, { method: 'DELETE' }],
    ['headers are lower-cased and repeated ones kept', { url: '/', header: ['X-A: 1', 'x-a:2', 'X-B:3'] }, { headers: { 'x-a': ['1', '2'], 'x-b': '3' } }],
    ['the client IP is taken as given', { url: '/', clientIP: '192.0.2.1' }, { clientIp: '192.0.2.1' }],
    ['no client IP is empty', { url: '/' }, { clientIp: '' }],
  ];
  for (const [name, query, expected] of cases) t.match(describeRequest(query), expected, name);
});

t.test('bad descriptions are bad requests', async (t) => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no url', {}, 'invalid request: url is required'],
    ['a relative url', { url: 'p' }, 'invalid request: url: request target is not in origin-form'],
    ['a broken percent-encoding', { url: 'http://a.test/a%2' }, 'invalid request: url: incomplete percent-encoding in path'],
    ['a header without a name', { url: '/', header: ':x' }, 'invalid request: header ":x" is not Name:Value'],
  ];
  for (const [name, query, message] of cases) t.throws(() => describeRequest(query), new BadRequest(message), name);
});

t.test("each entry point's request policy normalises or refuses the path", async (t) => {
  const lenient = { ...DEFAULT_REQUEST_POLICY, encodedCharacters: { ...DEFAULT_REQUEST_POLICY.encodedCharacters, allowEncodedSlash: true }, sanitizePath: false };
  const cases: Array<[string, string, typeof DEFAULT_REQUEST_POLICY, object]> = [
    ['an encoded slash is refused by default', 'http://a.test/a%2Fb', DEFAULT_REQUEST_POLICY, { status: 400, reason: 'encoded slash in path' }],
    ['an encoded slash is kept where allowed', 'http://a.test/a%2Fb', lenient, { path: '/a%2Fb' }],
    ['dot segments are removed by default', 'http://a.test/a/../b?q=1', DEFAULT_REQUEST_POLICY, { path: '/b', query: 'q=1' }],
    ['dot segments are refused without sanitizePath', 'http://a.test/a/../b', lenient, { status: 400, reason: 'dot segment in path (sanitizePath is off)' }],
  ];
  for (const [name, url, policy, expected] of cases) t.match(describeOn({ url }, policy), expected, name);
  t.match(describeRequest({ url: 'http://a.test/a%2Fb' }), { path: '/a%2Fb' }, 'the request as described falls back to the most lenient policy');
});
