import t from 'tap';
import { describeRequest } from '../../../src/api/explain-request.js';
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
    ['an encoded slash', { url: 'http://a.test/a%2Fb' }, 'invalid request: url: encoded slash in path'],
    ['a header without a name', { url: '/', header: ':x' }, 'invalid request: header ":x" is not Name:Value'],
  ];
  for (const [name, query, message] of cases) t.throws(() => describeRequest(query), new BadRequest(message), name);
});
