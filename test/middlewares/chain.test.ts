import t from 'tap';
import { addPrefixMiddleware } from '../../middlewares/add-prefix.js';
import { chainMiddleware } from '../../middlewares/chain.js';
import { headersMiddleware } from '../../middlewares/headers/index.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend, type Echo } from '../helpers/traffic-control.js';

const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({
  middlewares: [chainMiddleware, addPrefixMiddleware, headersMiddleware],
  dynamic: {
    'chain.yaml': {
      http: {
        routers: {
          ordered: { rule: 'PathPrefix(`/ordered`)', service: 'echo', middlewares: ['outer-then-inner'] },
          nested: { rule: 'PathPrefix(`/nested`)', service: 'echo', middlewares: ['nest'] },
          mixed: { rule: 'PathPrefix(`/mixed`)', service: 'echo', middlewares: ['prefix-a', 'outer-then-inner', 'prefix-c'] },
        },
        middlewares: {
          'prefix-a': { addPrefix: { prefix: '/a' } },
          'prefix-b': { addPrefix: { prefix: '/b' } },
          'prefix-c': { addPrefix: { prefix: '/c' } },
          tag: { headers: { customRequestHeaders: { 'X-Chain': 'yes' } } },
          'outer-then-inner': { chain: { middlewares: ['prefix-a', 'prefix-b@file'] } },
          nest: { chain: { middlewares: ['tag', 'outer-then-inner'] } },
        },
        services: { echo: service },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

t.test('what the server receives', async (t) => {
  const cases: Array<{ name: string; path: string; url: string; tagged: boolean }> = [
    { name: 'a chain runs its middlewares in the listed order', path: '/ordered/x', url: '/b/a/ordered/x', tagged: false },
    { name: 'a chain inside a chain runs in place', path: '/nested/x', url: '/b/a/nested/x', tagged: true },
    { name: 'a chain among router middlewares keeps its position', path: '/mixed/x', url: '/c/b/a/a/mixed/x', tagged: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const res = await fetch(gw.url(c.path));
      t.equal(res.status, 200);
      const echo = (await res.json()) as Echo;
      t.equal(echo.url, c.url, 'path after the chain');
      t.equal(echo.headers['x-chain'], c.tagged ? 'yes' : undefined, 'header set by a chained headers middleware');
    });
  }
});

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'middlewares is required', config: { chain: {} }, error: /middlewares/ },
    { name: 'an empty list is rejected', config: { chain: { middlewares: [] } }, error: /middlewares must NOT have fewer than 1 items/ },
    { name: 'an empty name is rejected', config: { chain: { middlewares: [''] } }, error: /middlewares/ },
    { name: 'a missing middleware is named', config: { chain: { middlewares: ['nothing'] } }, error: /nothing@file/ },
    { name: 'a chain that contains itself is rejected', config: { chain: { middlewares: ['bad'] } }, error: /bad@file/ },
    { name: 'an unknown option is rejected', config: { chain: { middlewares: ['prefix-a'], order: 1 } }, error: /order/ },
  ]);
});
