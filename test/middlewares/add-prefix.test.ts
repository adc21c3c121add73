import t from 'tap';
import { addPrefixMiddleware } from '../../middlewares/add-prefix.js';
import { stripPrefixMiddleware } from '../../middlewares/strip-prefix.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('addPrefix through a real gateway', async (t) => {
  const cg = await startCaseGateway([addPrefixMiddleware, stripPrefixMiddleware], {
    api: [{ addPrefix: { prefix: '/api' } }],
    slash: [{ addPrefix: { prefix: '/api/' } }],
    swap: [{ stripPrefix: { prefixes: ['/old'] } }, { addPrefix: { prefix: '/new' } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; url: string }> = [
    { name: 'the prefix is put in front of the path and the query is kept', route: 'api', path: '/users?id=1&x', url: '/api/users?id=1&x' },
    { name: 'the root path becomes the prefix and a slash', route: 'api', path: '/', url: '/api/' },
    { name: 'a prefix ending in a slash does not double the slash', route: 'slash', path: '/users', url: '/api/users' },
    { name: 'the path it prefixes is the normalised one', route: 'api', path: '/a/./b/../c', url: '/api/a/c' },
    { name: 'it composes with stripPrefix to swap a prefix', route: 'swap', path: '/old/x', url: '/new/x' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path);
      t.equal(reply.status, 200, 'status');
      t.equal(reply.echo?.url, c.url, 'the server got the prefixed path');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'prefix is required', config: { addPrefix: {} }, error: /prefix/ },
    { name: 'an empty prefix is refused', config: { addPrefix: { prefix: '' } }, error: /prefix: must not be empty/ },
    { name: 'a prefix without a leading slash is refused', config: { addPrefix: { prefix: 'api' } }, error: /prefix: must start with '\/'/ },
    { name: 'a prefix with a dot segment is refused', config: { addPrefix: { prefix: '/api/..' } }, error: /prefix: rewritten path contains a dot segment/ },
    { name: 'a prefix with an encoded slash is refused', config: { addPrefix: { prefix: '/a%2Fb' } }, error: /prefix: encoded slash in path/ },
  ]);
});
