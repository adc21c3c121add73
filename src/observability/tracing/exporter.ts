import { request } from 'undici';
import type { Logger } from '../../log.js';
import type { OtlpSpan } from './otlp-span.js';

/** Sends finished spans in batches to an OTLP/HTTP endpoint (JSON encoding). */
export interface SpanExporter {
  add(span: OtlpSpan): void;
  /** Sends what is queued now; resolves when the collector answered (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Exporter settings; the batch limits follow OpenTelemetry's BatchSpanProcessor defaults. */
export interface SpanExporterOptions {
  endpoint: string;
  headers: Record<string, string>;
  resource: Record<string, string>;
  log: Logger;
  scheduleDelayMs?: number;
  maxBatchSize?: number;
  maxQueueSize?: number;
}

/** Creates the exporter; a collector that is down costs dropped spans and one warning per outage, never a request. */
export function createSpanExporter(options: SpanExporterOptions): SpanExporter {
  const { endpoint, log } = options;
  const delay = options.scheduleDelayMs ?? 5000;
  const maxBatch = options.maxBatchSize ?? 512;
  const maxQueue = options.maxQueueSize ?? 2048;
  const resource = { attributes: Object.entries(options.resource).map(([key, value]) => ({ key, value: { stringValue: value } })) };
  let queue: OtlpSpan[] = [];
  let timer: NodeJS.Timeout | undefined;
  let dropped = 0;
  let failing = false;
  const inflight = new Set<Promise<void>>();

  const send = async (spans: OtlpSpan[]): Promise<void> => {
    const body = JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'switchyard' }, spans }] }] });
    try {
      const res = await request(endpoint, { method: 'POST', headers: { ...options.headers, 'content-type': 'application/json' }, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`collector answered ${res.statusCode}`);
      if (failing) log.info({ endpoint }, 'tracing: the OTLP collector accepts spans again');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err, endpoint, spans: spans.length }, 'tracing: could not export spans; they are dropped');
      failing = true;
    }
  };
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      const sending = send(batch);
      inflight.add(sending);
      void sending.finally(() => inflight.delete(sending));
    }
    await Promise.all(inflight);
  };

  return {
    add(span) {
      if (queue.length >= maxQueue) {
        if (dropped++ === 0) log.warn({ endpoint, maxQueue }, 'tracing: span queue full; spans are dropped');
        return;
      }
      queue.push(span);
      if (queue.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), delay).unref();
    },
    flush,
    async close() {
      await flush();
      queue = [];
    },
  };
}
