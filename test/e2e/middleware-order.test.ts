import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// Order on a request (traefik-behaviour.md §2.2): entry point middlewares, then the router's, then the service's.
t.test('entry point, router and service middlewares run in that order', async (t) => {
  const backend = await startBackend((req, res) => res.end(req.url));
  const gw = await startTestGateway({
    static: { entryPoints: { web: { http: { middlewares: ['ep-prefix@file'] } } } },
    dynamic: {
      'order.yaml': {
        http: {
          routers: { app: { rule: 'PathPrefix(`/`)', service: 'app', middlewares: ['router-prefix'] } },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }] }, middlewares: ['service-prefix'] } },
          middlewares: {
            'ep-prefix': { addPrefix: { prefix: '/ep' } },
            'router-prefix': { addPrefix: { prefix: '/router' } },
            'service-prefix': { addPrefix: { prefix: '/service' } },
          },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const response = await fetch(gw.url('/x'));
  t.equal(await response.text(), '/service/router/ep/x', 'each prefix lands in front of the previous one');
  const status = gw.gateway.table()!.status.middlewares;
  t.same(status['service-prefix@file']?.usedBy, ['app@file'], 'a service middleware is used by the service');
});
