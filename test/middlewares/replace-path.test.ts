import t from 'tap';
import { replacePathMiddleware } from '../../middlewares/replace-path.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('replacePath through a real gateway', async (t) => {
  const cg = await startCaseGateway([replacePathMiddleware], {
    fixed: [{ replacePath: { path: '/health' } }],
    noslash: [{ replacePath: { path: 'health' } }],
    encoded: [{ replacePath: { path: '/a%20b/%7Euser' } }],
    empty: [{ replacePath: { path: '' } }],
    twice: [{ replacePath: { path: '/one' } }, { replacePath: { path: '/two' } }],
  });
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path: string; url: string; replaced: string }> = [
    { name: 'the path is replaced, the query kept, the original in X-Replaced-Path', route: 'fixed', path: '/any/thing?x=1', url: '/health?x=1', replaced: '/any/thing' },
    { name: 'a configured path without a leading slash gets one', route: 'noslash', path: '/x', url: '/health', replaced: '/x' },
    { name: 'the configured path is normalised like a request path', route: 'encoded', path: '/x', url: '/a%20b/~user', replaced: '/x' },
    { name: 'an empty configured path forwards /', route: 'empty', path: '/x', url: '/', replaced: '/x' },
    { name: 'X-Replaced-Path holds the normalised original', route: 'fixed', path: '/a/../b/%7e', url: '/health', replaced: '/b/~' },
    { name: 'two replacements each add their X-Replaced-Path', route: 'twice', path: '/start', url: '/two', replaced: '/start, /one' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path);
      t.equal(reply.status, 200, 'status');
      t.equal(reply.echo?.url, c.url, 'the server got the replaced path');
      t.equal(reply.echo?.headers['x-replaced-path'], c.replaced, 'X-Replaced-Path');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'path is required', config: { replacePath: {} }, error: /path/ },
    { name: 'a path with a dot segment is refused', config: { replacePath: { path: '/a/../admin' } }, error: /path: rewritten path contains a dot segment/ },
    { name: 'a path with an encoded dot segment is refused', config: { replacePath: { path: '/a/%2e%2e/admin' } }, error: /path: rewritten path contains a dot segment/ },
    { name: 'a path with an encoded slash is refused', config: { replacePath: { path: '/a%2fb' } }, error: /path: encoded slash in path/ },
    { name: 'a path with a query delimiter is refused', config: { replacePath: { path: '/a?b=1' } }, error: /path: query delimiter in path/ },
  ]);
});
