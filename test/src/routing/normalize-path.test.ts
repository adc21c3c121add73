import t from 'tap';
import {
  ASTERISK_FORM,
  normalizeRequestTarget,
  removeDotSegments,
  renormalizePath,
  splitAbsoluteForm,
  type PathOptions,
} from '../../../src/routing/normalize-path.js';

const normalised: Array<[string, string, string, string]> = [
  // [description, target, path, query]
  ['the root stays the root', '/', '/', ''],
  ['a plain path is unchanged', '/a/b', '/a/b', ''],
  ['a trailing slash is preserved', '/a/b/', '/a/b/', ''],
  ['a dot segment at the end keeps the slash', '/a/./', '/a/', ''],
  ['a final dot segment becomes a slash', '/a/b/.', '/a/b/', ''],
  ['a parent segment is removed with its parent', '/a/../b', '/b', ''],
  ['a final parent segment leaves a slash', '/foo/bar/..', '/foo/', ''],
  ['a parent segment above the root stays at the root', '/../a', '/a', ''],
  ['many parent segments above the root stay at the root', '/../../../etc/passwd', '/etc/passwd', ''],
  ['an encoded parent segment is decoded then removed', '/a/%2e%2e/b', '/b', ''],
  ['an upper-case encoded parent segment is removed', '/a/%2E%2E/b', '/b', ''],
  ['a mixed-case encoded parent segment is removed', '/a/%2E%2e/b', '/b', ''],
  ['a half-encoded parent segment is removed', '/a/.%2e/b', '/b', ''],
  ['an encoded current segment is removed', '/a/%2e/b', '/a/b', ''],
  ['the Traefik sanitizePath case reaches the protected route', '/without/../with', '/with', ''],
  ['the Traefik sanitizePath encoded case reaches the protected route', '/without/%2E%2E/with', '/with', ''],
  ['an encoded unreserved letter is decoded', '/%77ith', '/with', ''],
  ['%41 is decoded to A', '/%41', '/A', ''],
  ['encoded unreserved punctuation is decoded', '/%2D%5F%7E%2E', '/-_~.', ''],
  ['a reserved escape stays encoded with upper-case hex', '/a%3fb', '/a%3Fb', ''],
  ['an encoded percent stays encoded', '/100%25', '/100%25', ''],
  ['an encoded space stays encoded', '/foo%20bar', '/foo%20bar', ''],
  ['an overlong UTF-8 slash stays encoded', '/a%c0%afb', '/a%C0%AFb', ''],
  ['a path parameter on an ordinary segment stays', '/a/b;v=1/c', '/a/b;v=1/c', ''],
  ['duplicate slashes are merged', '//a//b', '/a/b', ''],
  ['duplicate trailing slashes become one', '/a//', '/a/', ''],
  ['only slashes become the root', '///', '/', ''],
  ['the query is kept byte for byte', '/a?x=%2e%2e&y=/../&z=%zz', '/a', 'x=%2e%2e&y=/../&z=%zz'],
  ['a query with a question mark is kept whole', '/a?b?c', '/a', 'b?c'],
  ['an empty query is kept empty', '/a?', '/a', ''],
  ['the query is not affected by dot segments in the path', '/a/../b?c', '/b', 'c'],
  ['sub-delimiters stay raw', "/a;b=c,d!$&'()*+", "/a;b=c,d!$&'()*+", ''],
];
for (const [name, target, path, query] of normalised) {
  t.test(`${name}: ${target}`, async (t) => {
    t.same(normalizeRequestTarget(target), { path, query });
  });
}

const rejected: Array<[string, string, RegExp]> = [
  ['a fragment is refused', '/a#frag', /fragment/],
  ['a fragment after the query is refused', '/a?b#frag', /fragment/],
  ['a lone percent is refused', '/a%', /percent/],
  ['a percent with one digit is refused', '/a%1', /percent/],
  ['a percent with non-hex digits is refused', '/a%zz', /percent/],
  ['a trailing lone percent is refused', '/foo%', /percent/],
  ['a space is refused', '/a b', /control/],
  ['a tab is refused', '/a\tb', /control/],
  ['a NUL byte is refused', '/a\u0000b', /control/],
  ['DEL is refused', '/a\u007fb', /control/],
  ['a non-ASCII character is refused', '/caf\u00e9', /non-ASCII/],
  ['a target without a leading slash is refused', 'admin', /origin-form/],
  ['an absolute-form target is left to the entry point', 'http://a/b', /origin-form/],
  ['an encoded slash is refused by default', '/a%2Fb', /encoded slash/],
  ['a lower-case encoded slash is refused by default', '/a%2fb', /encoded slash/],
  ['an encoded backslash is refused by default', '/a%5Cb', /encoded backslash/],
  ['an encoded NUL is refused by default', '/a%00b', /encoded NUL/],
  ['a raw backslash is refused by default', '/a\\..\\b', /backslash/],
  ['a Tomcat dot segment with path parameters is refused', '/a/..;/b', /dot segment with path parameters/],
  ['an encoded Tomcat dot segment with path parameters is refused', '/a/%2e%2e;x/b', /dot segment with path parameters/],
];
for (const [name, target, pattern] of rejected) {
  t.test(`${name}: ${JSON.stringify(target)}`, async (t) => {
    const result = normalizeRequestTarget(target);
    t.ok('error' in result, 'is an error');
    if ('error' in result) t.match(result.error, pattern);
  });
}

t.test('asterisk-form gets its own error so the caller can allow it for OPTIONS', async (t) => {
  t.same(normalizeRequestTarget('*'), { error: ASTERISK_FORM });
});

const allowed: Array<[string, string, PathOptions, string]> = [
  ['an allowed encoded slash is kept encoded', '/a%2fb', { allowEncodedSlash: true }, '/a%2Fb'],
  ['an allowed encoded slash does not split segments', '/a%2F..%2Fb', { allowEncodedSlash: true }, '/a%2F..%2Fb'],
  ['an allowed encoded backslash is kept encoded', '/a%5cb', { allowEncodedBackSlash: true }, '/a%5Cb'],
  ['an allowed raw backslash is an ordinary character', '/a\\..\\b', { allowEncodedBackSlash: true }, '/a\\..\\b'],
  ['an allowed encoded NUL is kept encoded', '/a%00b', { allowEncodedNull: true }, '/a%00b'],
];
for (const [name, target, options, path] of allowed) {
  t.test(`${name}: ${target}`, async (t) => {
    t.same(normalizeRequestTarget(target, options), { path, query: '' });
  });
}

t.test('allowing one encoded character does not allow the others', async (t) => {
  t.ok('error' in normalizeRequestTarget('/a%5Cb', { allowEncodedSlash: true }));
  t.ok('error' in normalizeRequestTarget('/a%2Fb', { allowEncodedNull: true, allowEncodedBackSlash: true }));
});

const rewrites: Array<[string, string, string | RegExp]> = [
  ['a stripped prefix that leaves a parent segment is re-normalised', '/../admin', '/admin'],
  ['a stripped prefix that leaves an encoded parent segment is re-normalised', '/%2e%2e/admin', '/admin'],
  ['a stripped prefix that leaves a current segment is re-normalised', '/./admin', '/admin'],
  ['an empty rewrite becomes the root', '', '/'],
  ['a rewrite without a leading slash is refused', 'admin', /start with/],
  ['a rewrite with a question mark is refused', '/a?b', /query/],
  ['a rewrite with a fragment is refused', '/a#b', /fragment/],
  ['a rewrite with an encoded slash is refused', '/a%2Fb', /encoded slash/],
  ['a rewrite with a broken escape is refused', '/a%2', /percent/],
];
for (const [name, path, expected] of rewrites) {
  t.test(`${name}: ${JSON.stringify(path)}`, async (t) => {
    const result = renormalizePath(path);
    if (typeof expected === 'string') t.same(result, { path: expected });
    else t.match('error' in result ? result.error : '', expected);
  });
}

t.test('removing dot segments is idempotent on its own output', async (t) => {
  for (const path of ['/a/../b/./c/', '/../x', '/a//b', '/a/b/..']) {
    const once = removeDotSegments(path);
    t.equal(removeDotSegments(once), once, path);
  }
});

const absolute: Array<[string, string, ReturnType<typeof splitAbsoluteForm>]> = [
  ['an absolute http target is split', 'http://example.com/a?b', { authority: 'example.com', pathAndQuery: '/a?b' }],
  ['an absolute https target with a port is split', 'HTTPS://example.com:8443/a', { authority: 'example.com:8443', pathAndQuery: '/a' }],
  ['an authority alone gets the root path', 'http://example.com', { authority: 'example.com', pathAndQuery: '/' }],
  ['an authority with a query only gets the root path', 'http://example.com?x', { authority: 'example.com', pathAndQuery: '/?x' }],
  ['an origin-form target is not absolute', '/a', null],
  ['another scheme is not split', 'ftp://example.com/a', null],
];
for (const [name, url, expected] of absolute) {
  t.test(`${name}: ${url}`, async (t) => {
    t.same(splitAbsoluteForm(url), expected);
  });
}
