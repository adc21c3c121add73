import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestContext } from '../../http/context.js';
import type { FinishedExchange } from '../exchange.js';

/** One access log entry: Traefik's field names mapped to their values (headers as `request_<Name>`…). */
export type AccessLogEntry = Record<string, string | number>;

/** What is read from the request when it arrives, before middlewares rewrite it. */
export interface RequestSnapshot {
  start: Date;
  method: string;
  /** The request target as the client sent it (path and query). */
  uri: string;
  protocol: string;
  hostHeader: string;
  /** Always read: the CLF formats show them whatever `fields.headers` says. */
  referer?: string;
  userAgent?: string;
  headers?: IncomingHttpHeaders;
  count: number;
}

/** Takes the request-time snapshot; `keepHeaders` copies the headers (only when some header field is logged). */
export function snapshotRequest(req: IncomingMessage, ctx: RequestContext, count: number, keepHeaders: boolean): RequestSnapshot {
  return {
    start: new Date(performance.timeOrigin + ctx.start),
    method: req.method ?? 'GET',
    uri: req.url ?? '/',
    protocol: `HTTP/${req.httpVersion}`,
    hostHeader: req.headers.host ?? '',
    referer: req.headers.referer,
    userAgent: req.headers['user-agent'],
    ...(keepHeaders && { headers: { ...req.headers } }),
    count,
  };
}

/** Splits `host[:port]` (IPv6 in brackets) as Go's net.SplitHostPort would; no port gives `-`. */
function splitHostPort(value: string): [string, string] {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(value);
  if (!match) return [value, '-'];
  return [match[1]!.replace(/^\[(.*)\]$/, '$1'), match[2] || '-'];
}

// RFC 3339 with the local offset and nanoseconds, like Go's time.Time in JSON.
function localTime(date: Date, nanos: string): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}.${nanos}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Builds every field Switchyard knows for one finished request; filtering by `fields` happens afterwards. */
export function entryFields(done: FinishedExchange, snap: RequestSnapshot, trace?: { traceId: string; spanId: string }): AccessLogEntry {
  const { ctx } = done;
  const nanos = String(Math.round((done.startEpochMs % 1000) * 1e6)).padStart(9, '0');
  const durationNs = Math.round(done.durationMs * 1e6);
  const [requestHost, requestPort] = splitHostPort(snap.hostHeader);
  const client = ctx.remoteAddr.includes(':') ? `[${ctx.remoteAddr}]:${ctx.remotePort}` : `${ctx.remoteAddr}:${ctx.remotePort}`;
  const forwarded = ctx.serverUrl !== undefined;
  const entry: AccessLogEntry = {
    StartUTC: `${snap.start.toISOString().slice(0, 19)}.${nanos}Z`,
    StartLocal: localTime(snap.start, nanos),
    Duration: durationNs,
    ClientAddr: client,
    ClientHost: ctx.remoteAddr,
    ClientPort: String(ctx.remotePort),
    RequestAddr: snap.hostHeader,
    RequestHost: requestHost,
    RequestPort: requestPort,
    RequestMethod: snap.method,
    RequestPath: snap.uri,
    RequestProtocol: snap.protocol,
    RequestScheme: ctx.tls ? 'https' : 'http',
    RequestLine: `${snap.method} ${snap.uri} ${snap.protocol}`,
    RequestContentSize: done.requestBytes,
    RequestCount: snap.count,
    DownstreamStatus: done.status,
    DownstreamStatusLine: `${done.status} ${STATUS_CODES[done.status] ?? ''}`.trim(),
    DownstreamContentSize: done.responseBytes,
    OriginStatus: forwarded ? done.status : 0,
    RetryAttempts: done.retries,
  };
  if (ctx.clientUsername) entry.ClientUsername = ctx.clientUsername;
  if (ctx.routerName) entry.RouterName = ctx.routerName;
  if (ctx.serviceName) entry.ServiceName = ctx.serviceName;
  if (forwarded) {
    entry.ServiceURL = ctx.serverUrl!;
    entry.ServiceAddr = safeHost(ctx.serverUrl!);
    entry.OriginStatusLine = entry.DownstreamStatusLine!;
    entry.OriginContentSize = done.responseBytes;
  }
  if (ctx.tls) {
    const socket = done.req.socket as TLSSocket;
    const version = socket.getProtocol?.();
    if (version) entry.TLSVersion = version.replace(/^TLSv/, '');
    const cipher = socket.getCipher?.();
    if (cipher) entry.TLSCipher = cipher.standardName ?? cipher.name;
  }
  if (trace) {
    entry.TraceId = trace.traceId;
    entry.SpanId = trace.spanId;
  }
  return entry;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
