import type { Handler } from '../../http/context.js';
import { compileRule } from '../../rules/compile.js';
import type { CompiledRouter } from '../../routing/table.js';
import type { Service } from '../../services/service.js';

/** Produces the exposition text of a registry. */
export type Scrape = () => Promise<{ contentType: string; body: string }>;

// Internal routers outrank every user router, as Traefik gives prometheus@internal MaxInt.
const METRICS_PRIORITY = Number.MAX_SAFE_INTEGER;

/** Answers GET and HEAD with the metrics, anything else with 405. */
export function metricsHandler(scrape: Scrape): Handler {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      return void res.end();
    }
    const { contentType, body } = await scrape();
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** `prometheus@internal`: the service a user router points at with `metrics.prometheus.manualRouting`. */
export function prometheusService(scrape: Scrape): Service {
  return {
    handle: metricsHandler(scrape),
    healthy: () => true,
    onHealthChange: () => () => undefined,
    serverStatus: () => ({}),
    close: async () => undefined,
  };
}

/** The `prometheus@internal` router serving /metrics on a public entry point (`metrics.prometheus.entryPoint`). */
export function prometheusRouter(entryPoint: string, scrape: Scrape): CompiledRouter {
  const name = 'prometheus@internal';
  return { name, entryPoints: [entryPoint], tls: false, route: { name, priority: METRICS_PRIORITY, rule: compileRule('PathPrefix(`/metrics`)'), value: metricsHandler(scrape) } };
}
