import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { DomainSchema } from './dynamic-schema.js';
import { Duration, NamedMap, Strict } from './types.js';
import { CertificateResolverSchema } from '../acme/resolver-schema.js';

const Opt = Type.Optional;
const Names = Type.Array(Type.String({ minLength: 1 }));

/** A union of string literals, typed as that union. */
const Mode = <const T extends string[]>(...modes: T) =>
  Type.Union(modes.map((m) => Type.Literal(m))) as unknown as TUnion<{ [K in keyof T]: TLiteral<T[K]> }>;

/** `entryPoints.<name>.http.redirections.entryPoint`. */
export const RedirectEntryPointSchema = Strict({
  to: Type.String({ minLength: 1, description: 'Target entry point name or `:port`.' }),
  scheme: Opt(Type.String({ minLength: 1 })),
  permanent: Opt(Type.Boolean()),
  priority: Opt(Type.Integer()),
});

/** `entryPoints.<name>.http.encodedCharacters`: which percent-encoded characters a request path may carry (false: 400). */
export const EncodedCharactersSchema = Strict({
  allowEncodedSlash: Opt(Type.Boolean({ description: '`%2F` (default false).' })),
  allowEncodedBackSlash: Opt(Type.Boolean({ description: '`%5C` and a raw `\\` (default false).' })),
  allowEncodedNullCharacter: Opt(Type.Boolean({ description: '`%00` (default false).' })),
  allowEncodedSemicolon: Opt(Type.Boolean({ description: '`%3B` (default true).' })),
  allowEncodedPercent: Opt(Type.Boolean({ description: '`%25` (default true).' })),
  allowEncodedQuestionMark: Opt(Type.Boolean({ description: '`%3F` (default true).' })),
  allowEncodedHash: Opt(Type.Boolean({ description: '`%23` (default true).' })),
});

/** `entryPoints.<name>`. */
export const EntryPointSchema = Strict({
  address: Type.String({ format: 'address', description: '[host]:port[/tcp|/udp]' }),
  asDefault: Opt(Type.Boolean()),
  http: Opt(
    Strict({
      redirections: Opt(Strict({ entryPoint: Opt(RedirectEntryPointSchema) })),
      middlewares: Opt(Names),
      tls: Opt(Strict({ options: Opt(Type.String()), certResolver: Opt(Type.String()), domains: Opt(Type.Array(DomainSchema)) })),
      encodedCharacters: Opt(EncodedCharactersSchema),
      sanitizePath: Opt(Type.Boolean({ description: 'Remove `.`/`..` segments and merge slashes before routing (default true); when false, dot segments are refused with 400.' })),
      maxHeaderBytes: Opt(Type.Integer({ minimum: 1024, description: 'Largest request line plus header section in bytes (default 1048576); above it: 431.' })),
      maxHeaderCount: Opt(Type.Integer({ minimum: 1, description: 'Most header field lines per request (default 200, a Switchyard extension); above it: 431.' })),
      underscoreHeadersStrategy: Opt(Type.Unsafe<'keep' | 'delete' | 'reject'>({ ...Mode('keep', 'delete', 'reject'), description: 'Headers whose name contains `_`: `delete` (default), `reject` (400) or `keep`.' })),
    }),
  ),
  forwardedHeaders: Opt(Strict({ trustedIPs: Opt(Names), insecure: Opt(Type.Boolean()), connection: Opt(Names) })),
  transport: Opt(
    Strict({
      lifeCycle: Opt(Strict({ requestAcceptGraceTimeout: Opt(Duration()), graceTimeOut: Opt(Duration()) })),
      respondingTimeouts: Opt(
        Strict({
          readTimeout: Opt(Duration()),
          writeTimeout: Opt(Duration()),
          idleTimeout: Opt(Duration()),
          readHeaderTimeout: Opt(Duration('Time to receive the request line and headers (default: readTimeout, at most 60s); a Switchyard extension against slowloris that leaves bodies to readTimeout.')),
          bodyIdleTimeout: Opt(Duration('Longest pause in a request body before the request is answered 408 and closed (default 60s, 0s: none); a Switchyard extension that bounds a stalled body even with readTimeout 0s (CVE-2024-28869).')),
        }),
      ),
      keepAliveMaxRequests: Opt(Type.Integer({ minimum: 0 })),
      keepAliveMaxTime: Opt(Duration()),
    }),
  ),
});

/** `providers.file`: exactly one of `filename` or `directory` (checked in static-check.ts). */
export const FileProviderSchema = Strict({
  filename: Opt(Type.String({ minLength: 1 })),
  directory: Opt(Type.String({ minLength: 1 })),
  watch: Opt(Type.Boolean()),
  // Accepted so Traefik configurations load unchanged; Switchyard does not render Go templates.
  debugLogGeneratedTemplate: Opt(Type.Boolean()),
});

/** `accessLog`. */
export const AccessLogSchema = Strict({
  filePath: Opt(Type.String()),
  addInternals: Opt(Type.Boolean()),
  format: Opt(Mode('common', 'genericCLF', 'json')),
  bufferingSize: Opt(Type.Integer({ minimum: 0 })),
  filters: Opt(Strict({ statusCodes: Opt(Names), retryAttempts: Opt(Type.Boolean()), minDuration: Opt(Duration()) })),
  fields: Opt(
    Strict({
      defaultMode: Opt(Mode('keep', 'drop')),
      names: Opt(NamedMap(Mode('keep', 'drop'))),
      headers: Opt(Strict({ defaultMode: Opt(Mode('keep', 'drop', 'redact')), names: Opt(NamedMap(Mode('keep', 'drop', 'redact'))) })),
    }),
  ),
});

/** `tracing`: OpenTelemetry spans exported over OTLP/HTTP (JSON). */
export const TracingSchema = Strict({
  serviceName: Opt(Type.String({ minLength: 1 })),
  sampleRate: Opt(Type.Number({ minimum: 0, maximum: 1 })),
  addInternals: Opt(Type.Boolean()),
  headers: Opt(NamedMap(Type.String(), 'Extra HTTP headers sent with every export.')),
  resourceAttributes: Opt(NamedMap(Type.String())),
  capturedRequestHeaders: Opt(Names),
  capturedResponseHeaders: Opt(Names),
  safeQueryParams: Opt(Names),
  otlp: Opt(Strict({ http: Opt(Strict({ endpoint: Opt(Type.String({ minLength: 1 })), headers: Opt(NamedMap(Type.String())) })) })),
});

/** Builds the static schema; extra provider schemas let provider issues plug in without editing this file. */
export function buildStaticSchema(extraProviders: Record<string, TSchema> = {}) {
  const providers = Strict({
    providersThrottleDuration: Opt(Duration()),
    file: Opt(FileProviderSchema),
    ...Object.fromEntries(Object.entries(extraProviders).map(([key, schema]) => [key, Opt(schema)])),
  });
  return Strict({
    entryPoints: Opt(NamedMap(EntryPointSchema)),
    providers: Opt(providers),
    ping: Opt(Strict({ entryPoint: Opt(Type.String({ minLength: 1 })), manualRouting: Opt(Type.Boolean()), terminatingStatusCode: Opt(Type.Integer({ minimum: 100, maximum: 599 })) })),
    log: Opt(Strict({ level: Opt(Type.String({ format: 'log-level' })), format: Opt(Mode('common', 'json')), filePath: Opt(Type.String()), noColor: Opt(Type.Boolean()) })),
    api: Opt(
      Strict({
        insecure: Opt(Type.Boolean()),
        dashboard: Opt(Type.Boolean()),
        debug: Opt(Type.Boolean()),
        basePath: Opt(Type.String({ pattern: '^/[a-zA-Z0-9/_.:~-]*$' })),
      }),
    ),
    metrics: Opt(
      Strict({
        prefix: Opt(Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$', description: 'Prefix of every metric name (default `switchyard`; `traefik` reuses Traefik dashboards).' })),
        addInternals: Opt(Type.Boolean()),
        prometheus: Opt(
          Strict({
            buckets: Opt(Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1 })),
            addEntryPointsLabels: Opt(Type.Boolean()),
            addRoutersLabels: Opt(Type.Boolean()),
            addServicesLabels: Opt(Type.Boolean()),
            entryPoint: Opt(Type.String({ minLength: 1 })),
            manualRouting: Opt(Type.Boolean()),
            headerLabels: Opt(NamedMap(Type.String({ minLength: 1 }), 'Extra label (key) taken from a request header (value) on the `*_requests_total` counters.')),
          }),
        ),
      }),
    ),
    accessLog: Opt(AccessLogSchema),
    tracing: Opt(TracingSchema),
    serversTransport: Opt(
      Strict({
        insecureSkipVerify: Opt(Type.Boolean()),
        rootCAs: Opt(Names),
        maxIdleConnsPerHost: Opt(Type.Integer({ minimum: 0 })),
        forwardingTimeouts: Opt(Strict({ dialTimeout: Opt(Duration()), responseHeaderTimeout: Opt(Duration()), idleConnTimeout: Opt(Duration()) })),
      }),
    ),
    forwarder: Opt(
      Type.Unsafe<'undici' | 'http-proxy'>({
        ...Mode('undici', 'http-proxy'),
        description: 'Client library for plain HTTP/1 requests to servers: `undici` (default) or `http-proxy` (http-proxy-3); WebSocket upgrades always use http-proxy-3 (a Switchyard extension).',
      }),
    ),
    memory: Opt(
      Strict({
        releaseAfterReload: Opt(
          Duration(
            'Quiet time after a configuration is put in service before the memory its build freed is given back to the system (default 0s: never). The collection pauses the serving thread for two full garbage collections (130–210 ms with 10,000 routers) and leaves the young generation at its smallest, which costs about a tenth of requests/s under load; while reloads go on it runs at most every six times this. Processes started with the young-generation cap (the container image, npm start, the data planes of worker mode) stay under 250 MB with 10,000 routers without it (a Switchyard extension).',
          ),
        ),
      }),
    ),
    certificatesResolvers: Opt(NamedMap(CertificateResolverSchema)),
    workers: Opt(
      // The string form lets `--workers=2` and SWITCHYARD_WORKERS=2 through, since flags arrive as text for a union.
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^(auto|[1-9][0-9]*)$' })], {
        description: 'Data-plane processes serving the public entry points (default 1: one process does everything); `auto` is one per core (a Switchyard extension).',
      }),
    ),
    global: Opt(Strict({ checkNewVersion: Opt(Type.Boolean()), sendAnonymousUsage: Opt(Type.Boolean()) })),
  });
}

/** The static configuration schema with the built-in providers only. */
export const StaticConfigSchema = buildStaticSchema();

/** The static configuration as written by the user (validated, before defaults). */
export type StaticConfigInput = Static<typeof StaticConfigSchema>;
/** One entry point as written by the user. */
export type EntryPointInput = Static<typeof EntryPointSchema>;
