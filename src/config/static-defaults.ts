import { availableParallelism } from 'node:os';
import { parseDuration } from '../duration.js';
import type { EntryPointInput, StaticConfigInput } from './static-schema.js';
import { DEFAULT_REQUEST_POLICY } from '../entrypoint/request-policy.js';
import { INTERNAL_ENTRY_POINT, type EntryPointConfig, type LogLevel, type StaticConfig, type TracingConfig } from './static-types.js';

/** The resolved types, re-exported so callers of resolveStaticConfig need one import. */
export type { StaticConfig, EntryPointConfig } from './static-types.js';

/** Traefik's MaxInt−1 for the redirect router, clamped to what a JS number holds exactly. */
const REDIRECT_PRIORITY = Number.MAX_SAFE_INTEGER - 1;

const ms = (value: string | number | undefined, fallback: string): number => parseDuration(value ?? fallback);

/** Splits `[host]:port[/proto]`; the schema has already checked the shape. */
export function parseAddress(address: string): { host: string; port: number; protocol: 'tcp' | 'udp' } {
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)(?:\/(tcp|udp))?$/.exec(address);
  if (!match) throw new Error(`invalid address "${address}"`);
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]), protocol: (match[4] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

function entryPoint(name: string, input: EntryPointInput, implicit: boolean): EntryPointConfig {
  const redirect = input.http?.redirections?.entryPoint;
  const tls = input.http?.tls;
  const life = input.transport?.lifeCycle;
  const timeouts = input.transport?.respondingTimeouts;
  return {
    name,
    address: input.address,
    ...parseAddress(input.address),
    asDefault: input.asDefault ?? false,
    implicit,
    http: {
      ...(redirect && {
        redirections: {
          entryPoint: { to: redirect.to, scheme: redirect.scheme ?? 'https', permanent: redirect.permanent ?? true, priority: redirect.priority ?? REDIRECT_PRIORITY },
        },
      }),
      middlewares: input.http?.middlewares ?? [],
      ...(tls && { tls: { options: tls.options, certResolver: tls.certResolver, domains: (tls.domains ?? []).map((d) => ({ main: d.main, sans: d.sans ?? [] })) } }),
      encodedCharacters: { ...DEFAULT_REQUEST_POLICY.encodedCharacters, ...input.http?.encodedCharacters },
      sanitizePath: input.http?.sanitizePath ?? DEFAULT_REQUEST_POLICY.sanitizePath,
      maxHeaderBytes: input.http?.maxHeaderBytes ?? DEFAULT_REQUEST_POLICY.maxHeaderBytes,
      maxHeaderCount: input.http?.maxHeaderCount ?? DEFAULT_REQUEST_POLICY.maxHeaderCount,
      underscoreHeadersStrategy: input.http?.underscoreHeadersStrategy ?? DEFAULT_REQUEST_POLICY.underscoreHeadersStrategy,
    },
    forwardedHeaders: {
      trustedIPs: input.forwardedHeaders?.trustedIPs ?? [],
      insecure: input.forwardedHeaders?.insecure ?? false,
      connection: input.forwardedHeaders?.connection ?? [],
    },
    transport: {
      lifeCycle: { requestAcceptGraceTimeout: ms(life?.requestAcceptGraceTimeout, '0s'), graceTimeOut: ms(life?.graceTimeOut, '10s') },
      // readTimeout is 60s since Traefik v2.11.2; see reference/user-pains.md for why it is not 0.
      respondingTimeouts: {
        readTimeout: ms(timeouts?.readTimeout, '60s'),
        writeTimeout: ms(timeouts?.writeTimeout, '0s'),
        idleTimeout: ms(timeouts?.idleTimeout, '180s'),
        // Slowloris guard even when readTimeout is 0 (long uploads, Traefik #10654): headers never get more than 60s by default.
        readHeaderTimeout: timeouts?.readHeaderTimeout !== undefined ? ms(timeouts.readHeaderTimeout, '60s') : Math.min(ms(timeouts?.readTimeout, '60s') || 60_000, 60_000),
        // A body that stops arriving is cut even when readTimeout is 0 (CVE-2024-28869); progress, however slow, resets it.
        bodyIdleTimeout: ms(timeouts?.bodyIdleTimeout, '60s'),
      },
      keepAliveMaxRequests: input.transport?.keepAliveMaxRequests ?? 0,
      keepAliveMaxTime: ms(input.transport?.keepAliveMaxTime, '0s'),
    },
  };
}

/** True when ping, `api.insecure` or `metrics.prometheus` needs the internal entry point. */
export function needsInternalEntryPoint(raw: StaticConfigInput): boolean {
  const pingUses = raw.ping !== undefined && (raw.ping.entryPoint ?? INTERNAL_ENTRY_POINT) === INTERNAL_ENTRY_POINT;
  const prometheus = raw.metrics?.prometheus;
  const metricsUses = prometheus !== undefined && (prometheus.entryPoint ?? INTERNAL_ENTRY_POINT) === INTERNAL_ENTRY_POINT;
  return pingUses || metricsUses || raw.api?.insecure === true;
}

/** Applies Traefik's defaults and implicit entry points to a validated static configuration. */
export function resolveStaticConfig(raw: StaticConfigInput): StaticConfig {
  const entryPoints: Record<string, EntryPointConfig> = {};
  for (const [name, input] of Object.entries(raw.entryPoints ?? {})) entryPoints[name] = entryPoint(name, input, false);
  if (Object.keys(entryPoints).length === 0) entryPoints.http = entryPoint('http', { address: ':80' }, true);
  if (needsInternalEntryPoint(raw) && !entryPoints[INTERNAL_ENTRY_POINT]) {
    entryPoints[INTERNAL_ENTRY_POINT] = entryPoint(INTERNAL_ENTRY_POINT, { address: ':8080' }, true);
  }
  const all = Object.values(entryPoints);
  const marked = all.filter((ep) => ep.asDefault).map((ep) => ep.name);
  const defaultEntryPoints = marked.length > 0 ? marked : all.filter((ep) => ep.protocol === 'tcp' && ep.name !== INTERNAL_ENTRY_POINT).map((ep) => ep.name);

  const { providersThrottleDuration, file, ...others } = raw.providers ?? {};
  const prometheus = raw.metrics?.prometheus;
  const access = raw.accessLog;
  const forwarding = raw.serversTransport?.forwardingTimeouts;
  return {
    entryPoints,
    defaultEntryPoints,
    providers: {
      providersThrottleDuration: ms(providersThrottleDuration, '2s'),
      ...(file && { file: { filename: file.filename, directory: file.directory, watch: file.watch ?? true } }),
      others,
    },
    ...(raw.ping && {
      ping: { entryPoint: raw.ping.entryPoint ?? INTERNAL_ENTRY_POINT, manualRouting: raw.ping.manualRouting ?? false, terminatingStatusCode: raw.ping.terminatingStatusCode ?? 503 },
    }),
    log: {
      level: (raw.log?.level ?? 'ERROR').toUpperCase() as LogLevel,
      format: raw.log?.format ?? 'common',
      filePath: raw.log?.filePath || undefined,
      noColor: raw.log?.noColor ?? false,
    },
    // `api` alone turns the dashboard on, as in Traefik.
    ...(raw.api && { api: { insecure: raw.api.insecure ?? false, dashboard: raw.api.dashboard ?? true, debug: raw.api.debug ?? false, basePath: raw.api.basePath ?? '/' } }),
    metrics: {
      prefix: raw.metrics?.prefix ?? 'switchyard',
      addInternals: raw.metrics?.addInternals ?? false,
      ...(prometheus && {
        prometheus: {
          buckets: prometheus.buckets ?? [0.1, 0.3, 1.2, 5.0],
          addEntryPointsLabels: prometheus.addEntryPointsLabels ?? true,
          addRoutersLabels: prometheus.addRoutersLabels ?? false,
          addServicesLabels: prometheus.addServicesLabels ?? true,
          entryPoint: prometheus.entryPoint ?? INTERNAL_ENTRY_POINT,
          manualRouting: prometheus.manualRouting ?? false,
          ...(prometheus.headerLabels && { headerLabels: prometheus.headerLabels }),
        },
      }),
    },
    ...(access && {
      accessLog: {
        filePath: access.filePath || undefined,
        ...(access.addInternals !== undefined && { addInternals: access.addInternals }),
        format: access.format ?? 'common',
        bufferingSize: access.bufferingSize ?? 0,
        filters: { statusCodes: access.filters?.statusCodes ?? [], retryAttempts: access.filters?.retryAttempts ?? false, minDuration: ms(access.filters?.minDuration, '0s') },
        fields: {
          defaultMode: access.fields?.defaultMode ?? 'keep',
          names: access.fields?.names ?? {},
          headers: { defaultMode: access.fields?.headers?.defaultMode ?? 'drop', names: access.fields?.headers?.names ?? {} },
        },
      },
    }),
    ...(raw.tracing && { tracing: resolveTracing(raw.tracing) }),
    serversTransport: {
      insecureSkipVerify: raw.serversTransport?.insecureSkipVerify ?? false,
      rootCAs: raw.serversTransport?.rootCAs ?? [],
      maxIdleConnsPerHost: raw.serversTransport?.maxIdleConnsPerHost ?? 200,
      forwardingTimeouts: { dialTimeout: ms(forwarding?.dialTimeout, '30s'), responseHeaderTimeout: ms(forwarding?.responseHeaderTimeout, '0s'), idleConnTimeout: ms(forwarding?.idleConnTimeout, '90s') },
    },
    ...(raw.forwarder && { forwarder: raw.forwarder }),
    memory: { releaseAfterReload: ms(raw.memory?.releaseAfterReload, '0s') },
    certificatesResolvers: raw.certificatesResolvers ?? {},
    workers: raw.workers === 'auto' ? availableParallelism() : Number(raw.workers ?? 1),
    global: { checkNewVersion: raw.global?.checkNewVersion ?? true, sendAnonymousUsage: raw.global?.sendAnonymousUsage ?? false },
    input: raw,
  };
}

// Traefik's default OTLP/HTTP endpoint; a bare origin gets the standard traces path.
function resolveTracing(input: NonNullable<StaticConfigInput['tracing']>): TracingConfig {
  const endpoint = input.otlp?.http?.endpoint ?? 'https://localhost:4318/v1/traces';
  return {
    serviceName: input.serviceName ?? 'switchyard',
    sampleRate: input.sampleRate ?? 1,
    addInternals: input.addInternals ?? false,
    endpoint: /^[a-z]+:\/\/[^/]+\/?$/i.test(endpoint) ? `${endpoint.replace(/\/$/, '')}/v1/traces` : endpoint,
    headers: { ...input.headers, ...input.otlp?.http?.headers },
    resourceAttributes: input.resourceAttributes ?? {},
    capturedRequestHeaders: input.capturedRequestHeaders ?? [],
    capturedResponseHeaders: input.capturedResponseHeaders ?? [],
    safeQueryParams: input.safeQueryParams ?? [],
  };
}
