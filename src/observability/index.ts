import type { FastifyInstance } from 'fastify';
import { INTERNAL_ENTRY_POINT } from '../config/static-types.js';
import type { GatewayView } from '../gateway-view.js';
import { reopenLogFile, type Logger } from '../log.js';
import { createAccessLog } from './access-log/access-log.js';
import { observeExchange, type ExchangeStart, type FinishedExchange } from './exchange.js';
import { prometheusRouter, prometheusService, type Scrape } from './metrics/metrics-endpoint.js';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { createPrometheusMetrics } from './metrics/prometheus.js';
import type { CompiledRouter } from '../routing/table.js';
import type { Service } from '../services/service.js';
import type { RequestObserver } from './observer.js';
import { createTracer } from './tracing/tracer.js';

/** What the gateway gets from the observability features configured in the static configuration. */
export interface Observability {
  /** Watch every request on the entry points. */
  observers: RequestObserver[];
  /** Routes added to the internal entry point (e.g. /metrics). */
  register(app: FastifyInstance): void;
  /** Internal services users can route to (`prometheus@internal`), for compile's `internal` map. */
  services: Record<string, Service>;
  /** Internal routers for public entry points (`prometheus@internal` when `metrics.prometheus.entryPoint` is one). */
  routers: CompiledRouter[];
  /** Reopens the access log and process log files; the CLI calls it on SIGUSR1 (logrotate). */
  reopen(): Promise<void>;
  /** Exports queued spans now (tests, and before a planned stop). */
  flush(): Promise<void>;
  /** Flushes and closes log files and exporters at shutdown. */
  close(): Promise<void>;
}

/** Test and embedding knobs: how long finished spans wait before export. */
export interface ObservabilityOptions {
  traceScheduleDelayMs?: number;
  metricsHook?: MetricsHook;
}

/** Sees a gateway's Prometheus metrics (scrape text and JSON); a returned scrape serves /metrics instead (worker mode aggregates). */
export type MetricsHook = (metrics: { scrape: Scrape; json: () => Promise<MetricObjectWithValues<MetricValue<string>>[]> }) => Scrape | undefined;

/** Builds metrics, access logs and tracing from the static configuration (none configured: nothing). */
export function createObservability(view: GatewayView, log: Logger, options: ObservabilityOptions = {}): Observability {
  const { config } = view;
  const prometheus = config.metrics.prometheus
    ? createPrometheusMetrics({ config: config.metrics.prometheus, prefix: config.metrics.prefix, addInternals: config.metrics.addInternals, view })
    : undefined;
  const tracer = config.tracing ? createTracer(config.tracing, log.child({ feature: 'tracing' }), undefined, options.traceScheduleDelayMs) : undefined;
  const accessLog = config.accessLog ? createAccessLog(config.accessLog, log.child({ feature: 'accessLog' }), tracer?.traceOf) : undefined;
  // Tracing first: it sets `traceparent` on the request before anything reads or forwards it.
  const starts: ExchangeStart[] = [tracer?.start, prometheus?.start, accessLog?.start].filter((s): s is ExchangeStart => s !== undefined);
  const onApplied = () => prometheus?.onApplied();
  if (prometheus) view.events.on('applied', onApplied);

  const observers: RequestObserver[] = [];
  if (starts.length > 0) {
    observers.push({
      onRequest(req, res, ctx) {
        const ends: Array<(done: FinishedExchange) => void> = [];
        for (const start of starts) {
          const end = start(req, res, ctx);
          if (end) ends.push(end);
        }
        if (ends.length === 0) return;
        observeExchange(req, res, ctx, (finished) => {
          const switches = ctx.routerName ? view.table()?.status.routers[ctx.routerName]?.config.observability : undefined;
          const done = switches ? { ...finished, observe: { accessLogs: switches.accessLogs !== false, metrics: switches.metrics !== false, tracing: switches.tracing !== false } } : finished;
          for (const end of ends) {
            try {
              end(done);
            } catch (err) {
              log.warn({ err, entryPoint: ctx.entryPoint, router: ctx.routerName }, 'observability: recording a request failed');
            }
          }
        });
      },
      ...(prometheus && { onConnection: (entryPoint, socket) => prometheus.onConnection(entryPoint, socket) }),
    });
  }

  const settings = config.metrics.prometheus;
  const local: Scrape = () => prometheus!.scrape();
  const scrape = (prometheus && options.metricsHook?.({ scrape: local, json: () => prometheus.json() })) || local;
  const onInternal = settings?.entryPoint === INTERNAL_ENTRY_POINT;
  return {
    observers,
    services: prometheus ? { 'prometheus@internal': prometheusService(scrape) } : {},
    routers: prometheus && settings && !settings.manualRouting && !onInternal ? [prometheusRouter(settings.entryPoint, scrape)] : [],
    register(app) {
      if (!prometheus || !settings || settings.manualRouting || !onInternal) return;
      app.get('/metrics', async (_req, reply) => {
        const { contentType, body } = await scrape();
        return reply.type(contentType).send(body);
      });
    },
    async reopen() {
      reopenLogFile(log);
      await accessLog?.reopen();
    },
    flush: async () => tracer?.flush(),
    async close() {
      view.events.off('applied', onApplied);
      await Promise.all([accessLog?.close(), tracer?.close()]);
    },
  };
}
