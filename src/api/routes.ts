import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayView } from '../gateway-view.js';
import { representEntryPoints } from './entry-points.js';
import { filterCertificates, filterMiddlewares, filterRouters, filterServices, type ListQuery } from './filters.js';
import { BadRequest, paginate } from './pagination.js';
import { elementNamed, middlewares, overview, rawData, routers, services, versionInfo } from './views.js';
import type { EventStreams } from './events.js';
import { describeOn, describeRequest, type RawQuery } from './explain-request.js';
import { explainOn, routedEntryPoints } from './explain.js';

/** What the API routes read from. */
export interface ApiRouteDeps {
  view: GatewayView;
  events: EventStreams;
}

type Named = { name: string };

/** Registers every `/api` route under `prefix` ('' for the root) on a fastify instance. */
export function registerApiRoutes(app: FastifyInstance, prefix: string, deps: ApiRouteDeps): void {
  const { view } = deps;
  // HEAD is answered for every GET route (fastify's default) except the endless event stream.
  const get = (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => unknown) =>
    app.route({
      method: 'GET',
      url: `${prefix}/api${url}`,
      exposeHeadRoute: url !== '/events',
      handler: async (req, reply) => {
        try {
          return await handler(req, reply);
        } catch (error) {
          if (error instanceof BadRequest) return reply.code(400).send({ message: error.message });
          throw error;
        }
      },
    });
  // `one` answers a single element without building the whole list, where the list is long.
  const list = <T extends Named>(url: string, kind: string, all: (query: ListQuery) => T[], one?: (name: string) => Named | undefined) => {
    get(url, (req, reply) => {
      const page = paginate(all(req.query as ListQuery), req.query as ListQuery);
      return reply.header('X-Next-Page', String(page.nextPage)).send(page.items);
    });
    get(`${url}/:name`, (req, reply) => {
      const name = (req.params as { name: string }).name;
      const found = one ? one(name) : all({}).find((item) => item.name === name);
      return found ? reply.send(found) : reply.code(404).send({ message: `${kind} not found: ${name}` });
    });
  };

  get('/rawdata', () => rawData(view));
  get('/overview', () => overview(view));
  list('/entrypoints', 'entry point', (q) => searchByName(representEntryPoints(view.config), q));
  list('/http/routers', 'router', (q) => filterRouters(routers(view), q), (name) => elementNamed(view, 'routers', name));
  list('/http/services', 'service', (q) => filterServices(services(view), q), (name) => elementNamed(view, 'services', name));
  list('/http/middlewares', 'middleware', (q) => filterMiddlewares(middlewares(view), q), (name) => elementNamed(view, 'middlewares', name));
  // TCP and UDP routing do not exist yet: their lists are empty, so tools reading them keep working.
  for (const [url, kind] of [
    ['/tcp/routers', 'router'],
    ['/tcp/services', 'service'],
    ['/tcp/middlewares', 'middleware'],
    ['/udp/routers', 'router'],
    ['/udp/services', 'service'],
  ] as const) {
    list<Named>(url, kind, () => []);
  }
  list('/certificates', 'certificate', (q) => filterCertificates(view.certificates(), q));
  get('/version', () => versionInfo(view));
  get('/providers', () => {
    const states = view.providerStates();
    return {
      ready: view.ready(),
      version: view.version(),
      providers: Object.keys(states)
        .sort()
        .map((name) => ({ name, ...states[name] })),
    };
  });
  get('/events', (_req, reply) => {
    reply.hijack();
    deps.events.open(reply.raw);
  });
  get('/explain', (req, reply) => {
    const query = req.query as RawQuery;
    const wanted = typeof query.entryPoint === 'string' && query.entryPoint ? query.entryPoint : undefined;
    // Each entry point normalises the path with its own request policy, as it would on the wire.
    const policyOf = (ep: string) => view.config.entryPoints[ep]?.http;
    const request = describeRequest(query, wanted ? policyOf(wanted) : undefined);
    const known = routedEntryPoints(view);
    if (wanted && !known.includes(wanted)) return reply.code(404).send({ message: `entry point not found: ${wanted}` });
    const table = view.table();
    return {
      request,
      version: view.version(),
      entryPoints: table ? (wanted ? [wanted] : known).map((ep) => explainOn(view, table, ep, describeOn(query, policyOf(ep)))) : [],
    };
  });
}

/** Entry points take no filter but `search` on the name, and sort by name (Traefik's list). */
function searchByName<T extends Named>(items: T[], query: ListQuery): T[] {
  const search = query.search?.toLowerCase();
  return search ? items.filter((item) => item.name.toLowerCase().includes(search)) : items;
}
