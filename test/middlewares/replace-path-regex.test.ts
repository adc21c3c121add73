import t from 'tap';
import { replacePathRegexMiddleware } from '../../middlewares/replace-path-regex.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('replacePathRegex through a real gateway', async (t) => {
  const cg = await startCaseGateway([replacePathRegexMiddleware], {
    braced: [{ replacePathRegex: { regex: '^/foo/(.*)', replacement: '/bar/${1}' } }],
    bare: [{ replacePathRegex: { regex: '^/foo/(.*)', replacement: '/bar/$1' } }],
    glued: [{ replacePathRegex: { regex: '^/foo/(.*)', replacement: '/bar/$1x' } }],
    named: [{ replacePathRegex: { regex: '^/(?P<ver>v[0-9])/(?P<rest>.*)', replacement: '/${rest}/${ver}' } }],
    all: [{ replacePathRegex: { regex: 'a', replacement: 'o' } }],
    dollar: [{ replacePathRegex: { regex: '^/price', replacement: '/cost$$' } }],
    relative: [{ replacePathRegex: { regex: '^/api/(.*)', replacement: '$1' } }],
    escape: [{ replacePathRegex: { regex: '^/(.*)', replacement: '/static/../$1' } }],
    encdots: [{ replacePathRegex: { regex: '^/x/(.*)', replacement: '/%2e%2e/$1' } }],
    captured: [{ replacePathRegex: { regex: '^/go/([^/]*)/(.*)', replacement: '/$1/$2' } }],
    join: [{ replacePathRegex: { regex: '^/j/([a-z.]*)-([a-z.]*)$', replacement: '/$1/$2' } }],
    encslash: [{ replacePathRegex: { regex: '^/s/(.*)', replacement: '/a%2F$1' } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; status: number; url?: string; replaced?: string }> = [
    { name: '${1} expands the first group and the original goes in X-Replaced-Path', route: 'braced', path: '/foo/a/b?q=1', status: 200, url: '/bar/a/b?q=1', replaced: '/foo/a/b' },
    { name: '$1 expands the first group', route: 'bare', path: '/foo/a', status: 200, url: '/bar/a', replaced: '/foo/a' },
    { name: '$1x is the group named 1x, which is empty, as in Go', route: 'glued', path: '/foo/a', status: 200, url: '/bar/', replaced: '/foo/a' },
    { name: 'named groups expand by name', route: 'named', path: '/v2/users/7', status: 200, url: '/users/7/v2', replaced: '/v2/users/7' },
    { name: 'every match is replaced and a missing leading slash is added', route: 'all', path: '/banana', status: 200, url: '/bonono', replaced: '/banana' },
    { name: '$$ is a literal dollar', route: 'dollar', path: '/price', status: 200, url: '/cost$', replaced: '/price' },
    { name: 'a replacement without a leading slash gets one', route: 'relative', path: '/api/users', status: 200, url: '/users', replaced: '/api/users' },
    { name: 'a path the regex does not match is forwarded unchanged, without X-Replaced-Path', route: 'braced', path: '/other', status: 200, url: '/other' },
    { name: 'a replacement producing /../ is refused, never resolved (CVE shape)', route: 'escape', path: '/admin', status: 400 },
    { name: 'a replacement producing an encoded dot-dot is refused', route: 'encdots', path: '/x/admin', status: 400 },
    { name: 'a dot-dot in the request is resolved at the entry point, before the regex sees it', route: 'captured', path: '/go/../admin', status: 200, url: '/admin' },
    { name: 'three dots are an ordinary segment and pass', route: 'captured', path: '/go/..%2e/admin', status: 200, url: '/.../admin', replaced: '/go/.../admin' },
    { name: 'captures that assemble a dot-dot segment are refused', route: 'join', path: '/j/..-admin', status: 400 },
    { name: 'a replacement producing an encoded slash is refused', route: 'encslash', path: '/s/b', status: 400 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path);
      t.equal(reply.status, c.status, 'status');
      if (c.status !== 200) {
        t.notOk(reply.echo, 'the server saw nothing');
        t.equal(reply.body, 'Bad Request\n', 'a plain-text reason');
        return;
      }
      t.equal(reply.echo?.url, c.url, 'the server got the replaced path');
      t.equal(reply.echo?.headers['x-replaced-path'], c.replaced, 'X-Replaced-Path');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'regex is required', config: { replacePathRegex: { replacement: '/x' } }, error: /regex/ },
    { name: 'replacement is required', config: { replacePathRegex: { regex: '/x' } }, error: /replacement/ },
    { name: 'an invalid expression is refused', config: { replacePathRegex: { regex: '[a-', replacement: '/x' } }, error: /regex: invalid regular expression "\[a-"/ },
    { name: 'a backreference, which RE2 refuses, is refused', config: { replacePathRegex: { regex: '(a)\\1', replacement: '/x' } }, error: /regex: invalid regular expression/ },
  ]);
});
