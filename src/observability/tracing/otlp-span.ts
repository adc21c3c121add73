import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { FinishedExchange } from '../exchange.js';
import type { TraceContext } from './trace-context.js';

/** An OTLP/JSON attribute (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). */
export interface OtlpAttribute {
  key: string;
  value: { stringValue: string } | { intValue: string } | { arrayValue: { values: Array<{ stringValue: string }> } };
}

/** An OTLP/JSON span. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number };
}

/** What the span needs from the request's start. */
export interface SpanStart {
  context: TraceContext;
  parentSpanId?: string;
  /** The request target as received, before rewriting middlewares. */
  target: string;
  requestHeaders: IncomingHttpHeaders;
}

/** Captured-header and query-redaction settings. */
export interface SpanOptions {
  capturedRequestHeaders: string[];
  capturedResponseHeaders: string[];
  safeQueryParams: ReadonlySet<string>;
}

const SPAN_KIND_SERVER = 2;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

const str = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): OtlpAttribute => ({ key, value: { intValue: String(value) } });
const list = (key: string, values: string[]): OtlpAttribute => ({ key, value: { arrayValue: { values: values.map((v) => ({ stringValue: v })) } } });
const nanos = (epochMs: number): string => (BigInt(Math.round(epochMs * 1000)) * 1000n).toString();

// Query values may carry secrets: only the listed parameters keep theirs (Traefik's safeQueryParams).
function redactQuery(query: string, safe: ReadonlySet<string>): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at === -1 || safe.has(decodeName(pair.slice(0, at)))) return pair;
      return `${pair.slice(0, at)}=REDACTED`;
    })
    .join('&');
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function headerValues(value: string | string[] | number | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/** The server span of one request, with HTTP semantic-convention attributes and Switchyard's routing facts. */
export function buildSpan(done: FinishedExchange, start: SpanStart, options: SpanOptions): OtlpSpan {
  const { ctx, req } = done;
  const method = req.method ?? 'GET';
  const known = KNOWN_METHODS.has(method);
  const [path, query] = splitTarget(start.target);
  const host = req.headers.host ?? '';
  const port = /:(\d+)$/.exec(host)?.[1];
  const attributes: OtlpAttribute[] = [
    str('http.request.method', known ? method : '_OTHER'),
    ...(known ? [] : [str('http.request.method_original', method)]),
    str('url.scheme', ctx.tls ? 'https' : 'http'),
    str('url.path', path),
    ...(query !== undefined ? [str('url.query', redactQuery(query, options.safeQueryParams))] : []),
    str('server.address', ctx.host),
    ...(port ? [int('server.port', Number(port))] : []),
    str('client.address', ctx.remoteAddr),
    int('client.port', ctx.remotePort),
    str('network.protocol.version', req.httpVersion),
    ...(start.requestHeaders['user-agent'] ? [str('user_agent.original', start.requestHeaders['user-agent'])] : []),
    int('http.response.status_code', done.status),
    str('switchyard.entry_point', ctx.entryPoint),
    ...(ctx.routerName ? [str('switchyard.router.name', ctx.routerName)] : []),
    ...(ctx.serviceName ? [str('switchyard.service.name', ctx.serviceName)] : []),
    ...(ctx.serverUrl ? [str('switchyard.server.url', ctx.serverUrl)] : []),
    ...(done.retries > 0 ? [int('http.request.resend_count', done.retries)] : []),
    ...captured('http.request.header.', start.requestHeaders, options.capturedRequestHeaders),
    ...(ctx.upgrade ? [] : captured('http.response.header.', done.responseHeaders(), options.capturedResponseHeaders)),
  ];
  return {
    traceId: start.context.traceId,
    spanId: start.context.spanId,
    ...(start.parentSpanId && { parentSpanId: start.parentSpanId }),
    // Semantic conventions: `{method} {route}` needs a low-cardinality route; the router name is one.
    name: ctx.routerName ? `${known ? method : 'HTTP'} ${ctx.routerName}` : known ? method : 'HTTP',
    kind: SPAN_KIND_SERVER,
    startTimeUnixNano: nanos(done.startEpochMs),
    endTimeUnixNano: nanos(done.startEpochMs + done.durationMs),
    attributes,
    // Server spans mark only 5xx as errors (HTTP semantic conventions, span status).
    status: { code: done.status >= 500 ? STATUS_ERROR : STATUS_UNSET },
  };
}

function captured(prefix: string, headers: IncomingHttpHeaders | OutgoingHttpHeaders, names: string[]): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  for (const name of names) {
    const values = headerValues(headers[name.toLowerCase()]);
    if (values.length > 0) out.push(list(`${prefix}${name.toLowerCase()}`, values));
  }
  return out;
}

function splitTarget(target: string): [string, string | undefined] {
  const at = target.indexOf('?');
  return at === -1 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1)];
}
