import t from 'tap';
import { redirectRegexMiddleware } from '../../middlewares/redirect-regex.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('redirectRegex through a real gateway', async (t) => {
  const cg = await startCaseGateway([redirectRegexMiddleware], {
    www: [{ redirectRegex: { regex: '^http://www\\.test/(.*)', replacement: 'https://example.test/${1}' } }],
    perm: [{ redirectRegex: { regex: '^http://([^/]+)/old/(.*)', replacement: 'http://${1}/new/$2', permanent: true } }],
    glued: [{ redirectRegex: { regex: '^http://glued\\.test/(.*)', replacement: 'http://glued.test/$1x' } }],
    same: [{ redirectRegex: { regex: '^(.*)$', replacement: '$1' } }],
    query: [{ redirectRegex: { regex: '\\?lang=([a-z]+)$', replacement: '?l=$1' } }],
    port: [{ redirectRegex: { regex: '^http://port\\.test:8000/(.*)', replacement: 'http://port.test/$1' } }],
    named: [{ redirectRegex: { regex: '^http://named\\.test/(?P<id>[0-9]+)$', replacement: 'http://named.test/items/${id}' } }],
    inject: [{ redirectRegex: { regex: '^http://inject\\.test/(.*)', replacement: 'http://inject.test/\n$1' } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; method?: string; host?: string; status: number; location?: string }> = [
    { name: 'a matching URL gets 302 with the expanded replacement', route: 'www', path: '/a?b=1', status: 302, location: 'https://example.test/a?b=1' },
    { name: 'a non-GET request gets 307', route: 'www', path: '/a', method: 'DELETE', status: 307, location: 'https://example.test/a' },
    { name: 'a HEAD request gets 302 like a GET', route: 'www', path: '/a', method: 'HEAD', status: 302, location: 'https://example.test/a' },
    { name: 'a permanent redirect of a GET is 301', route: 'perm', path: '/old/x', status: 301, location: 'http://perm.test/new/x' },
    { name: 'a permanent redirect of a POST is 308', route: 'perm', path: '/old/x', method: 'POST', status: 308, location: 'http://perm.test/new/x' },
    { name: 'a URL the regex does not match is forwarded', route: 'perm', path: '/current', status: 200 },
    { name: '$1x is the group named 1x, empty, as in Go', route: 'glued', path: '/abc', status: 302, location: 'http://glued.test/' },
    { name: 'a replacement giving back the same URL lets the request through', route: 'same', path: '/x', status: 200 },
    { name: 'the query is part of the matched URL', route: 'query', path: '/page?lang=fr', status: 302, location: 'http://query.test/page?l=fr' },
    { name: 'the Host port is part of the matched URL', route: 'port', host: 'port.test:8000', path: '/p', status: 302, location: 'http://port.test/p' },
    { name: 'the URL without that port does not match', route: 'port', path: '/p', status: 200 },
    { name: 'named groups expand by name', route: 'named', path: '/42', status: 302, location: 'http://named.test/items/42' },
    { name: 'the matched path is the normalised one', route: 'named', path: '/x/../%34%32', status: 302, location: 'http://named.test/items/42' },
    { name: 'a Location with a control character is refused with 500, not sent', route: 'inject', path: '/a', status: 500 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path, { method: c.method ?? 'GET', headers: c.host ? { host: c.host } : {} });
      t.equal(reply.status, c.status, 'status');
      if (c.status === 200) return t.ok(reply.echo, 'the request reached the server');
      t.notOk(reply.echo, 'the server saw nothing');
      t.equal(reply.headers.location, c.location, 'Location');
      if (c.method !== 'HEAD') t.ok(reply.body.length > 0, 'a short plain-text body');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'regex is required', config: { redirectRegex: { replacement: 'x' } }, error: /regex/ },
    { name: 'replacement is required', config: { redirectRegex: { regex: 'x' } }, error: /replacement/ },
    { name: 'an invalid expression is refused', config: { redirectRegex: { regex: '(x', replacement: 'y' } }, error: /regex: invalid regular expression "\(x"/ },
    { name: 'permanent must be a boolean', config: { redirectRegex: { regex: 'x', replacement: 'y', permanent: 'yes' } }, error: /permanent/ },
  ]);
});
