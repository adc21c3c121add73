import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TracingConfig } from '../../config/static-types.js';
import type { Logger } from '../../log.js';
import type { ExchangeStart } from '../exchange.js';
import { createSpanExporter, type SpanExporter } from './exporter.js';
import { buildSpan } from './otlp-span.js';
import { formatTraceparent, parseTraceparent, randomId, sampledByRatio, type TraceContext } from './trace-context.js';

/** Tracing of one gateway: a server span per request, propagated to servers with `traceparent`. */
export interface Tracer {
  start: ExchangeStart;
  /** The trace and span ids of a request (for access log lines). */
  traceOf(req: object): { traceId: string; spanId: string } | undefined;
  /** Exports queued spans now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the tracer; `exporter` overrides the OTLP/HTTP exporter (tests, embedding). */
export function createTracer(config: TracingConfig, log: Logger, exporter?: SpanExporter, scheduleDelayMs?: number): Tracer {
  const out =
    exporter ??
    createSpanExporter({
      endpoint: config.endpoint,
      headers: config.headers,
      resource: { ...config.resourceAttributes, 'service.name': config.serviceName },
      log,
      ...(scheduleDelayMs !== undefined && { scheduleDelayMs }),
    });
  const traces = new WeakMap<object, TraceContext>();
  const options = {
    capturedRequestHeaders: config.capturedRequestHeaders,
    capturedResponseHeaders: config.capturedResponseHeaders,
    safeQueryParams: new Set(config.safeQueryParams),
  };
  const wanted = ['user-agent', ...config.capturedRequestHeaders.map((h) => h.toLowerCase())];

  return {
    start(req: IncomingMessage) {
      const parent = parseTraceparent(req.headers.traceparent);
      const traceId = parent?.traceId ?? randomId(16);
      // ParentBased(TraceIdRatioBased): a caller's decision is followed, a new trace is sampled by ratio.
      const context: TraceContext = { traceId, spanId: randomId(8), sampled: parent ? parent.sampled : sampledByRatio(traceId, config.sampleRate) };
      traces.set(req, context);
      const requestHeaders = context.sampled ? pick(req.headers, wanted) : {};
      // The server sees this request's span as its parent (W3C trace context: the header is replaced).
      req.headers.traceparent = formatTraceparent(context);
      if (!context.sampled) return undefined;
      const start = { context, ...(parent && { parentSpanId: parent.spanId }), target: req.url ?? '/', requestHeaders };
      return (done) => {
        const { routerName, serviceName } = done.ctx;
        if (!done.observe.tracing) return;
        if (!config.addInternals && (routerName?.endsWith('@internal') || serviceName?.endsWith('@internal'))) return;
        out.add(buildSpan(done, start, options));
      };
    },
    traceOf: (req) => traces.get(req),
    flush: () => out.flush(),
    close: () => out.close(),
  };
}

function pick(headers: IncomingHttpHeaders, names: string[]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name] as string;
  return out;
}
