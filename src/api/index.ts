import type { FastifyInstance } from 'fastify';
import type { GatewayView } from '../gateway-view.js';
import type { Logger } from '../log.js';
import type { Service } from '../services/service.js';

/** The API and dashboard: routes for the internal entry point, and the internal services users can route to. */
export interface Api {
  /** Adds /api and /dashboard to a fastify app (the internal entry point when `api.insecure`). */
  register(app: FastifyInstance): void;
  /** Internal services by qualified name (`api@internal`, `dashboard@internal`). */
  services: Record<string, Service>;
  close(): Promise<void>;
}

/** Builds the API from the gateway's view. */
export function createApi(view: GatewayView, log: Logger): Api {
  void view;
  void log;
  return { register: () => undefined, services: {}, close: async () => undefined };
}
