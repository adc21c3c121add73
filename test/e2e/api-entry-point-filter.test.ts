import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';

// Beyond Traefik (#10586): list the routers of one entry point, to see which rule wins there.
t.test('the routers list filters by the entry point routers are attached to', async (t) => {
  const service = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } };
  const gw = await startTestGateway({
    static: { api: { insecure: true }, entryPoints: { admin: { address: '127.0.0.1:0' } } },
    dynamic: {
      'r.yaml': {
        http: {
          routers: {
            public: { rule: 'PathPrefix(`/`)', service: 's', entryPoints: ['web'] },
            internal: { rule: 'PathPrefix(`/`)', service: 's', entryPoints: ['admin'] },
            everywhere: { rule: 'Path(`/healthz`)', service: 's' },
          },
          services: { s: service },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  const cases: Array<[string, string[]]> = [
    ['entryPoint=web', ['everywhere@file', 'public@file']],
    ['entryPoint=admin', ['everywhere@file', 'internal@file']],
    ['entryPoint=admin&sortBy=priority&direction=desc', ['everywhere@file', 'internal@file']],
    ['entryPoint=nowhere', []],
  ];
  for (const [query, names] of cases) {
    const response = await fetch(gw.url(`/api/http/routers?${query}`, 'switchyard'));
    t.same(((await response.json()) as Array<{ name: string }>).map((r) => r.name), names, query);
  }
});
