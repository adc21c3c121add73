import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// A broken element disables itself and the routers using it, nothing else (DESIGN.md, compile()).
t.test('broken elements disable only themselves and their dependents', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const good = { loadBalancer: { servers: [{ url: backend.url }] } };
  const gw = await startTestGateway({
    dynamic: {
      'good.yaml': { http: { routers: { healthy: { rule: 'Path(`/healthy`)', service: 'good' } }, services: { good } } },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  const cases: Array<{
    name: string;
    http: Record<string, unknown>;
    expect: Record<string, { kind: 'routers' | 'services' | 'middlewares'; status: string; error?: RegExp }>;
    requests?: Array<[string, number]>;
  }> = [
    {
      name: 'a router whose service does not exist is disabled',
      http: { routers: { orphan: { rule: 'Path(`/orphan`)', service: 'nope' } } },
      expect: { 'orphan@file': { kind: 'routers', status: 'disabled', error: /service "nope@file" does not exist/ } },
      requests: [['/orphan', 404]],
    },
    {
      name: 'a router using a missing middleware is disabled',
      http: { routers: { guarded: { rule: 'Path(`/guarded`)', service: 'good', middlewares: ['missing'] } } },
      expect: { 'guarded@file': { kind: 'routers', status: 'disabled', error: /middleware "missing@file" does not exist/ } },
      requests: [['/guarded', 404]],
    },
    {
      name: 'chains that loop disable themselves and their router',
      http: {
        routers: { looping: { rule: 'Path(`/looping`)', service: 'good', middlewares: ['one'] } },
        middlewares: { one: { chain: { middlewares: ['two'] } }, two: { chain: { middlewares: ['one'] } } },
      },
      expect: {
        'looping@file': { kind: 'routers', status: 'disabled', error: /loop/ },
        'one@file': { kind: 'middlewares', status: 'disabled', error: /loop/ },
      },
      requests: [['/looping', 404]],
    },
    {
      name: 'a service with two kinds is disabled and so is its router',
      http: {
        routers: { twokinds: { rule: 'Path(`/twokinds`)', service: 'both' } },
        services: { both: { ...good, weighted: { services: [{ name: 'good' }] } } },
      },
      expect: {
        'both@file': { kind: 'services', status: 'disabled' },
        'twokinds@file': { kind: 'routers', status: 'disabled', error: /both@file/ },
      },
      requests: [['/twokinds', 404]],
    },
    {
      name: 'a router naming one unknown entry point warns and serves on the known one',
      http: { routers: { partly: { rule: 'Path(`/partly`)', service: 'good', entryPoints: ['web', 'nowhere'] } } },
      expect: { 'partly@file': { kind: 'routers', status: 'warning', error: /entryPoint "nowhere" doesn't exist/ } },
      requests: [['/partly', 200]],
    },
    {
      name: 'a router on unknown entry points only is disabled',
      http: { routers: { lost: { rule: 'Path(`/lost`)', service: 'good', entryPoints: ['nowhere'] } } },
      expect: { 'lost@file': { kind: 'routers', status: 'disabled', error: /no valid entryPoint/ } },
    },
    {
      name: 'a router above the highest user priority is disabled',
      http: { routers: { greedy: { rule: 'Path(`/greedy`)', service: 'good', priority: Number.MAX_SAFE_INTEGER } } },
      expect: { 'greedy@file': { kind: 'routers', status: 'disabled', error: /priority/ } },
      requests: [['/greedy', 404]],
    },
    {
      name: 'a middleware of an unknown type is disabled and so is its router',
      http: {
        routers: { odd: { rule: 'Path(`/odd`)', service: 'good', middlewares: ['weird'] } },
        middlewares: { weird: { noSuchMiddleware: {} } },
      },
      expect: {
        'weird@file': { kind: 'middlewares', status: 'disabled', error: /noSuchMiddleware/ },
        'odd@file': { kind: 'routers', status: 'disabled' },
      },
      requests: [['/odd', 404]],
    },
    {
      name: 'a router with an unparsable rule is disabled with the rule error',
      http: { routers: { garbled: { rule: 'Path(`/garbled`) &&', service: 'good' } } },
      expect: { 'garbled@file': { kind: 'routers', status: 'disabled', error: /rule|expected/i } },
    },
    {
      name: 'a missing middleware deep inside nested chains disables the router and is named',
      http: {
        routers: { chained: { rule: 'Path(`/chained`)', service: 'good', middlewares: ['outer'] } },
        middlewares: { outer: { chain: { middlewares: ['inner'] } }, inner: { chain: { middlewares: ['leaf@file'] } }, leaf: { chain: { middlewares: ['empty'] } }, empty: { chain: { middlewares: ['nothing'] } } },
      },
      expect: { 'chained@file': { kind: 'routers', status: 'disabled', error: /nothing@file/ } },
    },
  ];

  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await gw.writeDynamic('case.yaml', { http: c.http });
      const status = gw.gateway.table()!.status;
      for (const [name, want] of Object.entries(c.expect)) {
        const element = status[want.kind][name];
        t.equal(element?.status, want.status, `${name} is ${want.status}`);
        if (want.error) t.match((element?.error ?? []).join('\n'), want.error, `${name} says why`);
      }
      t.equal(status.routers['healthy@file']?.status, 'enabled', 'the unrelated router stays enabled');
      const healthy = await fetch(gw.url('/healthy'));
      t.equal(healthy.status, 200, 'and keeps serving');
      await healthy.text();
      for (const [path, code] of c.requests ?? []) {
        const response = await fetch(gw.url(path));
        t.equal(response.status, code, `${path} answers ${code}`);
        await response.text();
      }
    });
  }
});
