import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AccessLogConfig } from '../../config/static-types.js';
import type { Logger } from '../../log.js';
import type { ExchangeStart } from '../exchange.js';
import { canonicalHeader } from '../labels.js';
import { entryFields, snapshotRequest, type AccessLogEntry } from './fields.js';
import { createFilter } from './filters.js';
import { lineFormat } from './format.js';
import { createLineWriter, type LineWriter } from './writer.js';

/** The access log of one gateway. */
export interface AccessLog {
  start: ExchangeStart;
  /** Reopens the file (send SIGUSR1 after logrotate moved it). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

type HeaderMode = 'keep' | 'drop' | 'redact';

/** Builds the access log from `accessLog`; `traceOf` adds TraceId/SpanId when tracing runs. */
export function createAccessLog(config: AccessLogConfig, log: Logger, traceOf?: (req: object) => { traceId: string; spanId: string } | undefined, writer?: LineWriter): AccessLog {
  const out = writer ?? createLineWriter({ filePath: config.filePath, bufferingSize: config.bufferingSize, log });
  const keep = createFilter(config.filters);
  const format = lineFormat(config.format);
  const { fields } = config;
  const fieldModes = new Map(Object.entries(fields.names));
  const headerModes = new Map(Object.entries(fields.headers.names).map(([name, mode]) => [name.toLowerCase(), mode]));
  const headerDefault = fields.headers.defaultMode;
  // Header fields exist only in JSON lines; copying request headers is skipped when none would be logged.
  const logsHeaders = config.format === 'json' && (headerDefault !== 'drop' || [...headerModes.values()].some((mode) => mode !== 'drop'));
  const allFields = fields.defaultMode === 'keep' && fieldModes.size === 0;
  let count = 0;

  const addHeaders = (entry: AccessLogEntry, prefix: string, headers: IncomingHttpHeaders | OutgoingHttpHeaders): void => {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const mode: HeaderMode = headerModes.get(name.toLowerCase()) ?? headerDefault;
      if (mode === 'drop') continue;
      entry[`${prefix}${canonicalHeader(name)}`] = mode === 'redact' ? 'REDACTED' : Array.isArray(value) ? value.join(', ') : String(value);
    }
  };

  return {
    start(req, _res, ctx) {
      const snap = snapshotRequest(req, ctx, ++count, logsHeaders);
      return (done) => {
        if (!done.observe.accessLogs || (!config.addInternals && done.ctx.routerName?.endsWith('@internal'))) return;
        if (!keep({ status: done.status, retries: done.retries, durationMs: done.durationMs })) return;
        const all = entryFields(done, snap, traceOf?.(req));
        let entry = all;
        if (!allFields) {
          entry = {};
          for (const [name, value] of Object.entries(all)) if ((fieldModes.get(name) ?? fields.defaultMode) === 'keep') entry[name] = value;
        }
        if (logsHeaders) {
          addHeaders(entry, 'request_', snap.headers ?? {});
          if (!done.ctx.upgrade) addHeaders(entry, 'downstream_', done.responseHeaders());
        }
        out.write(format(entry, { referer: snap.referer, userAgent: snap.userAgent }));
      };
    },
    reopen: () => out.reopen(),
    close: () => out.close(),
  };
}
