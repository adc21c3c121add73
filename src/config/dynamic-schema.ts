import { Type, type Static } from '@sinclair/typebox';
import { IpStrategySchema } from '../middleware/ip-strategy.js';
import { Duration, NamedMap, Strict } from './types.js';

/** `tls.domains[]` on routers. */
export const DomainSchema = Strict({
  main: Type.String({ minLength: 1, description: 'Main domain of the certificate.' }),
  sans: Type.Optional(Type.Array(Type.String(), { description: 'Other names on the same certificate.' })),
});

/** `http.routers.<name>` (Traefik v3). */
export const RouterSchema = Strict({
  rule: Type.String({ minLength: 1, description: 'Rule in the v3 grammar.' }),
  ruleSyntax: Type.Optional(Type.String({ description: 'Deprecated in Traefik v3; accepted and ignored (only the v3 syntax is supported).' })),
  priority: Type.Optional(Type.Integer({ description: 'Higher first; 0 or unset means the rule length.' })),
  entryPoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Entry points to listen on. Default: the `asDefault` ones, else every entry point but `switchyard`.' })),
  middlewares: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Middlewares in order, after the entry point\'s own; `name` or `name@provider`.' })),
  service: Type.String({ minLength: 1, description: 'Service taking the matched requests; `name` or `name@provider`.' }),
  tls: Type.Optional(
    Strict({
      options: Type.Optional(Type.String({ description: 'TLS options name. Default `default`.' })),
      certResolver: Type.Optional(Type.String({ description: 'Certificate resolver for the router\'s hosts.' })),
      domains: Type.Optional(Type.Array(DomainSchema, { description: 'Domains to request certificates for, instead of the rule\'s hosts.' })),
    }, 'Set (even `{}`) to match HTTPS requests only.'),
  ),
  observability: Type.Optional(
    Strict({
      accessLogs: Type.Optional(Type.Boolean()),
      metrics: Type.Optional(Type.Boolean()),
      tracing: Type.Optional(Type.Boolean()),
      traceVerbosity: Type.Optional(Type.String()),
    }),
  ),
});

/** `sticky.cookie` on load balancers and weighted services. */
export const StickyCookieSchema = Strict({
  name: Type.Optional(Type.String({ description: 'Cookie name. Default: a short hash of the service name.' })),
  secure: Type.Optional(Type.Boolean({ description: 'Set the Secure attribute. Default false.' })),
  httpOnly: Type.Optional(Type.Boolean({ description: 'Set the HttpOnly attribute. Default false.' })),
  sameSite: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('lax'), Type.Literal('strict'), Type.Literal('')])),
  maxAge: Type.Optional(Type.Integer({ description: 'Max-Age in seconds; 0 means a session cookie, negative expires it.' })),
  path: Type.Optional(Type.String({ description: 'Cookie path. Default `/`.' })),
  domain: Type.Optional(Type.String({ description: 'Cookie domain.' })),
});
export const StickySchema = Strict({ cookie: Type.Optional(StickyCookieSchema) });

/** `loadBalancer.healthCheck`. */
export const HealthCheckSchema = Strict({
  path: Type.Optional(Type.String({ description: 'Path probed on each server.' })),
  scheme: Type.Optional(Type.String({ description: 'Scheme of the probe. Default: the server\'s.' })),
  mode: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('grpc')], { description: '`http` (default) requests `path`; `grpc` calls grpc.health.v1.Health/Check, UP when SERVING.' })),
  hostname: Type.Optional(Type.String({ description: 'Host header of the probe.' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port probed instead of the server\'s.' })),
  interval: Type.Optional(Duration('Time between probes. Default 30s.')),
  unhealthyInterval: Type.Optional(Duration('Time between probes of a DOWN server. Default: interval.')),
  timeout: Type.Optional(Duration('Probe timeout. Default 5s.')),
  headers: Type.Optional(NamedMap(Type.String(), 'Headers sent with the probe.')),
  followRedirects: Type.Optional(Type.Boolean({ description: 'Follow redirects. Default true.' })),
  method: Type.Optional(Type.String({ description: 'Probe method. Default GET.' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'Healthy status; default any 2xx or 3xx.' })),
});

/** `loadBalancer.servers[]`. */
export const ServerSchema = Strict({
  url: Type.String({ minLength: 1, description: 'Absolute http:// or https:// URL of the server.' }),
  weight: Type.Optional(Type.Integer({ minimum: 0, description: 'Share of requests. Default 1; 0 takes none.' })),
  preservePath: Type.Optional(Type.Boolean({ description: 'Keep the URL\'s own path in front of the request path. Default false.' })),
  fenced: Type.Optional(
    Type.Boolean({ description: 'Draining server (a terminating Kubernetes pod): never chosen by the strategy, reached only by a sticky cookie naming it. Default false.' }),
  ),
});

/** `hash` of the `hrw` strategy and of `highestRandomWeight` services: what identifies a client or tenant. */
export const HashSchema = (description: string) =>
  Strict(
    {
      source: Type.Optional(
        Type.Union([Type.Literal('clientIP'), Type.Literal('header'), Type.Literal('cookie'), Type.Literal('query')], {
          description: 'Where the key comes from. Default `clientIP`.',
        }),
      ),
      name: Type.Optional(Type.String({ minLength: 1, description: 'Header, cookie or query parameter holding the key; required for those sources.' })),
      ipStrategy: Type.Optional(
        Type.Object(IpStrategySchema.properties, {
          additionalProperties: false,
          description: 'How the client address is found (source `clientIP` only). Default: the connection\'s peer address.',
        }),
      ),
    },
    description,
  );

/** `loadBalancer.passiveHealthCheck` (Traefik v3.4+). */
export const PassiveHealthCheckSchema = Strict(
  {
    failureWindow: Type.Optional(Duration('Window in which the failed attempts must occur; also how long the server stays ejected. Default 10s.')),
    maxFailedAttempts: Type.Optional(Type.Integer({ minimum: 1, description: 'Failed attempts (connection error, timeout or 5xx) within the window that eject the server. Default 1.' })),
  },
  'Ejects servers that fail real traffic for one failure window.',
);

export const LoadBalancerSchema = Strict({
  servers: Type.Optional(Type.Array(ServerSchema, { description: 'Servers to balance over.' })),
  strategy: Type.Optional(
    Type.String({ description: 'Balancing strategy: `wrr` (default, smooth weighted round-robin), `p2c`, `leasttime` or `hrw` (rendezvous hashing).' }),
  ),
  hash: Type.Optional(HashSchema('Key hashed by the `hrw` strategy. Default: the client IP.')),
  sticky: Type.Optional(StickySchema),
  healthCheck: Type.Optional(HealthCheckSchema),
  passiveHealthCheck: Type.Optional(PassiveHealthCheckSchema),
  passHostHeader: Type.Optional(Type.Boolean({ description: 'Forward the client\'s Host header. Default true.' })),
  responseForwarding: Type.Optional(Strict({ flushInterval: Type.Optional(Duration('Accepted for Traefik compatibility and validated; Switchyard writes every chunk to the client as it arrives (what Traefik does for a negative value), so no interval ever holds a response back.')) })),
  serversTransport: Type.Optional(Type.String({ description: 'Servers transport name. Default `default@internal` (the static `serversTransport`).' })),
});

const WeightedRef = Strict({
  name: Type.String({ minLength: 1, description: 'Child service.' }),
  weight: Type.Optional(Type.Integer({ minimum: 0, description: 'Share of requests. Default 1.' })),
});
const ParentHealth = Type.Optional(Strict({}, 'Set to `{}` to report the children\'s health upward.'));

export const WeightedSchema = Strict({
  services: Type.Array(WeightedRef, { minItems: 1, description: 'Child services and their weights.' }),
  sticky: Type.Optional(StickySchema),
  healthCheck: ParentHealth,
});

export const MirroringSchema = Strict({
  service: Type.String({ minLength: 1, description: 'Service that answers the client.' }),
  mirrorBody: Type.Optional(Type.Boolean({ description: 'Send request bodies to mirrors too. Default true.' })),
  maxBodySize: Type.Optional(Type.Integer({ description: 'Bodies larger than this are not mirrored. Default -1 (no limit).' })),
  mirrors: Type.Optional(
    Type.Array(
      Strict({
        name: Type.String({ minLength: 1, description: 'Mirror service (its answers are discarded).' }),
        percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Share of requests copied. Default 0.' })),
      }),
    ),
  ),
  healthCheck: ParentHealth,
});

export const FailoverSchema = Strict({
  service: Type.String({ minLength: 1, description: 'Main service; must be health-checked.' }),
  fallback: Type.String({ minLength: 1, description: 'Service used while the main one has no healthy server.' }),
  healthCheck: ParentHealth,
});

/** `highestRandomWeight`: rendezvous hashing over child services, so one client keeps reaching the same child. */
export const HighestRandomWeightSchema = Strict(
  {
    services: Type.Array(WeightedRef, { minItems: 1, description: 'Child services and their weights.' }),
    hash: Type.Optional(HashSchema('Key hashed to pick a child. Default: the client IP.')),
    healthCheck: ParentHealth,
  },
  'Rendezvous (highest random weight) hashing over child services.',
);

/** `http.services.<name>`: exactly one kind. */
export const ServiceSchema = Type.Object(
  {
    loadBalancer: Type.Optional(LoadBalancerSchema),
    weighted: Type.Optional(WeightedSchema),
    mirroring: Type.Optional(MirroringSchema),
    failover: Type.Optional(FailoverSchema),
    highestRandomWeight: Type.Optional(HighestRandomWeightSchema),
    middlewares: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** `http.serversTransports.<name>`. */
export const ServersTransportSchema = Strict({
  serverName: Type.Optional(Type.String({ description: 'SNI sent to HTTPS servers and the name their certificate is checked against.' })),
  insecureSkipVerify: Type.Optional(Type.Boolean({ description: 'Accept any server certificate. Default false.' })),
  rootCAs: Type.Optional(Type.Array(Type.String(), { description: 'CA certificates (file paths or PEM) trusted for servers.' })),
  certificates: Type.Optional(
    Type.Array(Strict({ certFile: Type.String({ description: 'File path or PEM.' }), keyFile: Type.String({ description: 'File path or PEM.' }) }), {
      description: 'Client certificate presented to servers (mTLS).',
    }),
  ),
  cipherSuites: Type.Optional(Type.Array(Type.String(), { description: 'Allowed TLS 1.2 cipher suites, Go names.' })),
  minVersion: Type.Optional(Type.String({ description: 'Lowest TLS version, e.g. VersionTLS12 (the default).' })),
  maxVersion: Type.Optional(Type.String({ description: 'Highest TLS version.' })),
  maxIdleConnsPerHost: Type.Optional(Type.Integer({ description: 'Idle keep-alive connections kept per server. Default 200; negative disables reuse.' })),
  disableHTTP2: Type.Optional(Type.Boolean({ description: 'Never negotiate HTTP/2 with https servers (ALPN offers http/1.1 only). Default false; h2c:// servers always get HTTP/2.' })),
  peerCertURI: Type.Optional(Type.String({ description: 'Expected URI SAN of the server certificate.' })),
  forwardingTimeouts: Type.Optional(
    Strict({
      dialTimeout: Type.Optional(Duration('Time to connect. Default 30s.')),
      responseHeaderTimeout: Type.Optional(Duration('Time to the response headers; 504 after it. Default 0 (none).')),
      idleConnTimeout: Type.Optional(Duration('How long an idle pooled connection is kept. Default 90s.')),
      readIdleTimeout: Type.Optional(Duration('Interval of the PING sent on each HTTP/2 connection to a server to find dead ones. Default 0 (none).')),
      pingTimeout: Type.Optional(Duration('Time to wait for a PING answer before the HTTP/2 connection is closed. Default 15s.')),
    }),
  ),
});

/** A middleware entry: one key naming its type, whose value the type's own schema checks. */
export const MiddlewareEntrySchema = Type.Record(Type.String(), Type.Unknown(), { minProperties: 1, maxProperties: 1 });

/** `tls` section; its content is checked in depth by the TLS issue's code. */
export const TlsSchema = Strict({
  certificates: Type.Optional(Type.Array(Strict({ certFile: Type.String(), keyFile: Type.String(), stores: Type.Optional(Type.Array(Type.String())) }))),
  options: Type.Optional(NamedMap(Type.Record(Type.String(), Type.Unknown()))),
  stores: Type.Optional(
    NamedMap(
      Strict({
        defaultCertificate: Type.Optional(Strict({ certFile: Type.String({ description: 'File path or PEM.' }), keyFile: Type.String({ description: 'File path or PEM.' }) })),
        defaultGeneratedCert: Type.Optional(
          Strict(
            {
              resolver: Type.String({ minLength: 1, description: 'Certificate resolver that obtains the default certificate.' }),
              domain: Strict({ main: Type.String({ minLength: 1 }), sans: Type.Optional(Type.Array(Type.String())) }),
            },
            'Obtain the default certificate from a resolver instead of generating a self-signed one (Traefik v3.2+).',
          ),
        ),
      }),
      'Certificate stores; only `default` is used.',
    ),
  ),
});

export const HttpSchema = Strict({
  routers: Type.Optional(NamedMap(Type.Unknown())),
  services: Type.Optional(NamedMap(Type.Unknown())),
  middlewares: Type.Optional(NamedMap(Type.Unknown())),
  serversTransports: Type.Optional(NamedMap(Type.Unknown())),
});

/** The top level of a dynamic configuration: elements are checked one by one (see validate-dynamic.ts). */
export const DynamicTopSchema = Strict({
  http: Type.Optional(HttpSchema),
  tcp: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  udp: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  tls: Type.Optional(TlsSchema),
});

export type RouterConfig = Static<typeof RouterSchema>;
export type ServiceConfig = Static<typeof ServiceSchema>;
export type LoadBalancerConfig = Static<typeof LoadBalancerSchema>;
export type ServerConfig = Static<typeof ServerSchema>;
export type HealthCheckConfig = Static<typeof HealthCheckSchema>;
export type PassiveHealthCheckConfig = Static<typeof PassiveHealthCheckSchema>;
export type StickyCookieConfig = Static<typeof StickyCookieSchema>;
export type WeightedConfig = Static<typeof WeightedSchema>;
export type MirroringConfig = Static<typeof MirroringSchema>;
export type FailoverConfig = Static<typeof FailoverSchema>;
export type HashConfig = Static<ReturnType<typeof HashSchema>>;
export type HighestRandomWeightConfig = Static<typeof HighestRandomWeightSchema>;
export type ServersTransportConfig = Static<typeof ServersTransportSchema>;
export type TlsConfig = Static<typeof TlsSchema>;
export type MiddlewareConfig = Record<string, unknown>;

/** A whole dynamic configuration, as a provider emits it or as merged with qualified names. */
export interface DynamicConfig {
  http?: {
    routers?: Record<string, RouterConfig>;
    services?: Record<string, ServiceConfig>;
    middlewares?: Record<string, MiddlewareConfig>;
    serversTransports?: Record<string, ServersTransportConfig>;
  };
  tcp?: Record<string, unknown>;
  udp?: Record<string, unknown>;
  tls?: TlsConfig;
}
