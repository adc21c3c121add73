import type { FastifyInstance } from 'fastify';
import { forwardedUrl, getContext } from '../http/context.js';
import type { Service } from '../services/service.js';

/**
 * An internal service (`api@internal`, `dashboard@internal`) that serves requests routed to it by a
 * user router from a fastify instance that never listens: the router's middlewares (basicAuth, an IP
 * allow list, StripPrefix…) have run, and the path they left is what fastify routes.
 */
export function createInternalService(app: FastifyInstance): Service {
  const ready = Promise.resolve(app.ready());
  // A failed start is reported on each request (500 at the entry point), not as an unhandled rejection.
  ready.catch(() => undefined);
  return {
    async handle(req, res) {
      await ready;
      req.url = forwardedUrl(getContext(req));
      app.routing(req, res);
    },
    healthy: () => true,
    onHealthChange: () => () => undefined,
    serverStatus: () => ({}),
    // Internal services outlive routing tables; the API closes the instance at shutdown.
    close: async () => undefined,
  };
}
