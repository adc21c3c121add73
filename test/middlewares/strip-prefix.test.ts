import t from 'tap';
import { stripPrefixMiddleware } from '../../middlewares/strip-prefix.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('stripPrefix through a real gateway', async (t) => {
  const cg = await startCaseGateway([stripPrefixMiddleware], {
    api: [{ stripPrefix: { prefixes: ['/api'] } }],
    multi: [{ stripPrefix: { prefixes: ['/v1', '/v1/api', ' /v2 '] } }],
    slash: [{ stripPrefix: { prefixes: ['/api/'] } }],
    spelled: [{ stripPrefix: { prefixes: ['/my app', '/caf\u00e9', '/%7euser'] } }],
    forced: [{ stripPrefix: { prefixes: ['/api'], forceSlash: false } }],
    twice: [{ stripPrefix: { prefixes: ['/a'] } }, { stripPrefix: { prefixes: ['/b'] } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; status: number; url?: string; prefix?: string | undefined }> = [
    { name: 'the prefix is removed and announced in X-Forwarded-Prefix', route: 'api', path: '/api/users?id=1', status: 200, url: '/users?id=1', prefix: '/api' },
    { name: 'the whole path stripped becomes /', route: 'api', path: '/api', status: 200, url: '/', prefix: '/api' },
    { name: 'a trailing slash alone stays /', route: 'api', path: '/api/', status: 200, url: '/', prefix: '/api' },
    { name: 'the prefix matches character-wise and the result gets a leading slash', route: 'api', path: '/apiary', status: 200, url: '/ary', prefix: '/api' },
    { name: 'a path without the prefix is forwarded unchanged and without X-Forwarded-Prefix', route: 'api', path: '/other', status: 200, url: '/other', prefix: undefined },
    { name: 'the first matching prefix in the list wins', route: 'multi', path: '/v1/api/x', status: 200, url: '/api/x', prefix: '/v1' },
    { name: 'prefixes are trimmed of spaces', route: 'multi', path: '/v2/x', status: 200, url: '/x', prefix: '/v2' },
    { name: 'a prefix with a trailing slash still leaves a leading slash', route: 'slash', path: '/api/x', status: 200, url: '/x', prefix: '/api/' },
    { name: 'a prefix with a space matches the encoded request path', route: 'spelled', path: '/my%20app/x', status: 200, url: '/x', prefix: '/my%20app' },
    { name: 'a non-ASCII prefix matches its UTF-8 percent-encoding in any hex case', route: 'spelled', path: '/caf%c3%a9/x', status: 200, url: '/x', prefix: '/caf%C3%A9' },
    { name: 'an escaped unreserved character in a prefix matches the decoded path', route: 'spelled', path: '/~user/x', status: 200, url: '/x', prefix: '/~user' },
    { name: 'the deprecated forceSlash is accepted and ignored', route: 'forced', path: '/api', status: 200, url: '/', prefix: '/api' },
    { name: 'two stripPrefix middlewares each add their X-Forwarded-Prefix', route: 'twice', path: '/a/b/c', status: 200, url: '/c', prefix: '/a, /b' },
    { name: 'dot segments are resolved at the entry point before the prefix is stripped', route: 'api', path: '/api/../admin', status: 200, url: '/admin', prefix: undefined },
    { name: 'an encoded dot-dot glued to the prefix never reaches the server (CVE shape)', route: 'api', path: '/api%2e%2e/admin', status: 400 },
    { name: 'a raw dot-dot glued to the prefix is refused after stripping', route: 'api', path: '/api../admin', status: 400 },
    { name: 'a single dot glued to the prefix is refused after stripping', route: 'api', path: '/api./admin', status: 400 },
    { name: 'an encoded slash is refused at the entry point', route: 'api', path: '/api%2F..%2Fadmin', status: 400 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path);
      t.equal(reply.status, c.status, 'status');
      if (c.status !== 200) {
        t.notOk(reply.echo, 'the server saw nothing');
        t.match(reply.headers['content-type'], /^text\/plain/, 'a plain-text answer');
        return;
      }
      t.equal(reply.echo?.url, c.url, 'the server got the stripped path');
      t.equal(reply.echo?.headers['x-forwarded-prefix'], c.prefix, 'X-Forwarded-Prefix');
    });
  }

  await t.test('a client-sent X-Forwarded-Prefix from an untrusted peer is dropped', async (t) => {
    const reply = await cg.send('api', '/api/x', { headers: { 'x-forwarded-prefix': '/evil' } });
    t.equal(reply.echo?.headers['x-forwarded-prefix'], '/api');
  });

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'prefixes is required', config: { stripPrefix: {} }, error: /prefixes/ },
    { name: 'an empty prefix list is refused', config: { stripPrefix: { prefixes: [] } }, error: /prefixes must NOT have fewer than 1 items/ },
    { name: 'a blank prefix is refused', config: { stripPrefix: { prefixes: ['/a', '  '] } }, error: /prefixes\[1\]: must not be empty/ },
    { name: 'an unknown option is refused', config: { stripPrefix: { prefixes: ['/a'], regex: ['x'] } }, error: /regex/ },
  ]);
});
