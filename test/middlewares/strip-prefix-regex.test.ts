import t from 'tap';
import { stripPrefixRegexMiddleware } from '../../middlewares/strip-prefix-regex.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('stripPrefixRegex through a real gateway', async (t) => {
  const cg = await startCaseGateway([stripPrefixRegexMiddleware], {
    id: [{ stripPrefixRegex: { regex: ['/users/[0-9]+'] } }],
    anchored: [{ stripPrefixRegex: { regex: ['^/(?P<tenant>[a-z]+)/api'] } }],
    list: [{ stripPrefixRegex: { regex: ['/nomatch', '/v[0-9]'] } }],
    later: [{ stripPrefixRegex: { regex: ['/x/'] } }],
    ci: [{ stripPrefixRegex: { regex: ['(?i)^/API'] } }],
    dots: [{ stripPrefixRegex: { regex: ['^/[a-z]+'] } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; status: number; url?: string; prefix?: string }> = [
    { name: 'the matched prefix is removed and announced in X-Forwarded-Prefix', route: 'id', path: '/users/42/profile?x=1', status: 200, url: '/profile?x=1', prefix: '/users/42' },
    { name: 'a match that is the whole path leaves /', route: 'id', path: '/users/42', status: 200, url: '/', prefix: '/users/42' },
    { name: 'named groups are accepted', route: 'anchored', path: '/acme/api/orders', status: 200, url: '/orders', prefix: '/acme/api' },
    { name: 'the first expression that matches at the start wins', route: 'list', path: '/v2/items', status: 200, url: '/items', prefix: '/v2' },
    { name: 'a leftmost match that is not at the start strips nothing', route: 'later', path: '/a/x/b', status: 200, url: '/a/x/b' },
    { name: 'Go inline flags work', route: 'ci', path: '/api/x', status: 200, url: '/x', prefix: '/api' },
    { name: 'it matches the normalised path', route: 'id', path: '/users/%34%32/x', status: 200, url: '/x', prefix: '/users/42' },
    { name: 'a match that leaves a dot-dot segment is refused (CVE shape)', route: 'dots', path: '/api../admin', status: 400 },
    { name: 'an encoded dot-dot that leaves a dot-dot segment is refused', route: 'dots', path: '/api%2E%2E/admin', status: 400 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path);
      t.equal(reply.status, c.status, 'status');
      if (c.status !== 200) {
        t.notOk(reply.echo, 'the server saw nothing');
        return;
      }
      t.equal(reply.echo?.url, c.url, 'the server got the stripped path');
      t.equal(reply.echo?.headers['x-forwarded-prefix'], c.prefix, 'X-Forwarded-Prefix');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'regex is required', config: { stripPrefixRegex: {} }, error: /regex/ },
    { name: 'an empty list is refused', config: { stripPrefixRegex: { regex: [] } }, error: /regex must NOT have fewer than 1 items/ },
    { name: 'an invalid expression names its index', config: { stripPrefixRegex: { regex: ['/ok', '/(broken'] } }, error: /regex\[1\]: invalid regular expression "\/\(broken"/ },
    { name: 'a lookahead, which RE2 refuses, is refused', config: { stripPrefixRegex: { regex: ['/(?=a)'] } }, error: /regex\[0\]: invalid regular expression/ },
  ]);
});
