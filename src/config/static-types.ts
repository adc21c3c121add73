import type { StaticConfigInput } from './static-schema.js';
import type { CertificateResolverInput } from '../acme/resolver-schema.js';
import type { RequestPolicy } from '../entrypoint/request-policy.js';

/** Name of the internal entry point that serves ping, the API and metrics unless told otherwise. */
export const INTERNAL_ENTRY_POINT = 'switchyard';

/** `log.level` values, upper-cased. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'PANIC';

/** A fully-defaulted entry point; durations are in milliseconds. */
export interface EntryPointConfig {
  name: string;
  address: string;
  /** Host part of the address; empty means every interface. */
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
  asDefault: boolean;
  /** True when Switchyard created this entry point (implicit `http` or `switchyard`). */
  implicit: boolean;
  http: {
    redirections?: { entryPoint: { to: string; scheme: string; permanent: boolean; priority: number } };
    middlewares: string[];
    tls?: { options?: string; certResolver?: string; domains: Array<{ main: string; sans: string[] }> };
  } & RequestPolicy;
  forwardedHeaders: { trustedIPs: string[]; insecure: boolean; connection: string[] };
  transport: {
    lifeCycle: { requestAcceptGraceTimeout: number; graceTimeOut: number };
    /** `readHeaderTimeout` and `bodyIdleTimeout` (Switchyard extensions) bound the header section and each pause in the body. */
    respondingTimeouts: { readTimeout: number; writeTimeout: number; idleTimeout: number; readHeaderTimeout: number; bodyIdleTimeout: number };
    keepAliveMaxRequests: number;
    keepAliveMaxTime: number;
  };
}

/** `accessLog`, fully defaulted. */
export interface AccessLogConfig {
  filePath?: string;
  /** Log requests to `@internal` routers too (absent: false). */
  addInternals?: boolean;
  format: 'common' | 'genericCLF' | 'json';
  bufferingSize: number;
  filters: { statusCodes: string[]; retryAttempts: boolean; minDuration: number };
  fields: {
    defaultMode: 'keep' | 'drop';
    names: Record<string, 'keep' | 'drop'>;
    headers: { defaultMode: 'keep' | 'drop' | 'redact'; names: Record<string, 'keep' | 'drop' | 'redact'> };
  };
}

/** `tracing`, fully defaulted: spans exported as OTLP/HTTP JSON to `endpoint`. */
export interface TracingConfig {
  serviceName: string;
  sampleRate: number;
  addInternals: boolean;
  endpoint: string;
  /** Sent with every export (`tracing.headers` and `tracing.otlp.http.headers` merged). */
  headers: Record<string, string>;
  resourceAttributes: Record<string, string>;
  capturedRequestHeaders: string[];
  capturedResponseHeaders: string[];
  safeQueryParams: string[];
}

/** The static configuration after defaults and implicit entry points; durations are in milliseconds. */
export interface StaticConfig {
  entryPoints: Record<string, EntryPointConfig>;
  /** Entry points that routers without `entryPoints` attach to (`asDefault` ones, else every TCP one but `switchyard`). */
  defaultEntryPoints: string[];
  providers: {
    providersThrottleDuration: number;
    file?: { filename?: string; directory?: string; watch: boolean };
    /** Sections of providers registered through buildStaticSchema, as written. */
    others: Record<string, unknown>;
  };
  ping?: { entryPoint: string; manualRouting: boolean; terminatingStatusCode: number };
  log: { level: LogLevel; format: 'common' | 'json'; filePath?: string; noColor: boolean };
  api?: { insecure: boolean; dashboard: boolean; debug: boolean; basePath: string };
  metrics: {
    /** Prefix of every metric name: `switchyard` unless set (`traefik` reuses Traefik dashboards). */
    prefix: string;
    /** Count requests to `@internal` routers and services too. */
    addInternals: boolean;
    prometheus?: {
      buckets: number[];
      addEntryPointsLabels: boolean;
      addRoutersLabels: boolean;
      addServicesLabels: boolean;
      entryPoint: string;
      manualRouting: boolean;
      /** Extra label → request header, on the `*_requests_total` counters (absent when not set). */
      headerLabels?: Record<string, string>;
    };
  };
  accessLog?: AccessLogConfig;
  tracing?: TracingConfig;
  serversTransport: {
    insecureSkipVerify: boolean;
    rootCAs: string[];
    maxIdleConnsPerHost: number;
    forwardingTimeouts: { dialTimeout: number; responseHeaderTimeout: number; idleConnTimeout: number };
  };
  /** Client library for plain HTTP/1 forwarding; unset means undici (see src/proxy/forward.ts). */
  forwarder?: 'undici' | 'http-proxy';
  /** Memory given back to the system after configuration changes (src/release-memory.ts); 0 (the default) never. */
  memory: { releaseAfterReload: number };
  /** As written; src/acme/resolver-config.ts applies the ACME defaults. */
  certificatesResolvers: Record<string, CertificateResolverInput>;
  global: { checkNewVersion: boolean; sendAnonymousUsage: boolean };
  /** Data-plane worker processes (`auto` resolved to the core count); 1 runs everything in one process. */
  workers: number;
  /** The validated input as the user wrote it (durations verbatim), for the API to show. */
  input: StaticConfigInput;
}
