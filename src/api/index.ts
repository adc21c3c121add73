import Fastify, { type FastifyInstance } from 'fastify';
import type { GatewayView } from '../gateway-view.js';
import type { Logger } from '../log.js';
import type { Service } from '../services/service.js';
import { registerDashboard } from './dashboard.js';
import { createEventStreams } from './events.js';
import { createInternalService } from './internal-service.js';
import { registerApiRoutes } from './routes.js';

/** The API and dashboard: routes for the internal entry point, and the internal services users can route to. */
export interface Api {
  /** Adds /api and /dashboard to a fastify app (the internal entry point when `api.insecure`). */
  register(app: FastifyInstance): void;
  /** Internal services by qualified name (`api@internal`, `dashboard@internal`). */
  services: Record<string, Service>;
  close(): Promise<void>;
}

/**
 * Builds the API from the gateway's view. As in Traefik, `api@internal` serves the API and the
 * dashboard and `dashboard@internal` the dashboard alone, for user routers that put them behind
 * authentication; `register` serves both on the internal entry point (`api.insecure`).
 */
export function createApi(view: GatewayView, log: Logger): Api {
  const settings = view.config.api ?? { insecure: false, dashboard: true, debug: false, basePath: '/' };
  const prefix = settings.basePath.replace(/\/+$/, '');
  const events = createEventStreams(view);
  const addRoutes = (app: FastifyInstance, api: boolean) => {
    if (api) registerApiRoutes(app, prefix, { view, events });
    if (settings.dashboard) registerDashboard(app, settings.basePath);
  };

  const apiApp = detachedApp(log);
  addRoutes(apiApp, true);
  const apps = [apiApp];
  const services: Record<string, Service> = { 'api@internal': createInternalService(apiApp) };
  if (settings.dashboard) {
    const dashboardApp = detachedApp(log);
    addRoutes(dashboardApp, false);
    apps.push(dashboardApp);
    services['dashboard@internal'] = createInternalService(dashboardApp);
  }

  return {
    register(app) {
      addRoutes(app, true);
      // Event streams never end by themselves: without this, closing the server would wait for their clients.
      app.addHook('preClose', (done) => {
        events.close();
        done();
      });
    },
    services,
    async close() {
      events.close();
      await Promise.all(apps.map((app) => app.close()));
    },
  };
}

/** A fastify instance that never listens; requests reach it through an internal service. */
function detachedApp(log: Logger): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, _req, reply) => {
    log.error({ err: error }, 'API request failed');
    return reply.code(500).send({ message: 'internal error' });
  });
  // What a user router's 404 looks like everywhere else in the gateway.
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n'));
  return app;
}
