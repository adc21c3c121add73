import { Type, type Static } from '@sinclair/typebox';
import { Duration, NamedMap, Strict } from './types.js';

/** `tls.domains[]` on routers. */
export const DomainSchema = Strict({ main: Type.String({ minLength: 1 }), sans: Type.Optional(Type.Array(Type.String())) });

/** `http.routers.<name>` (Traefik v3). */
export const RouterSchema = Strict({
  rule: Type.String({ minLength: 1, description: 'Rule in the v3 grammar.' }),
  ruleSyntax: Type.Optional(Type.String()),
  priority: Type.Optional(Type.Integer({ description: 'Higher first; 0 or unset means the rule length.' })),
  entryPoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  middlewares: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  service: Type.String({ minLength: 1 }),
  tls: Type.Optional(
    Strict({
      options: Type.Optional(Type.String()),
      certResolver: Type.Optional(Type.String()),
      domains: Type.Optional(Type.Array(DomainSchema)),
    }),
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
  name: Type.Optional(Type.String()),
  secure: Type.Optional(Type.Boolean()),
  httpOnly: Type.Optional(Type.Boolean()),
  sameSite: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('lax'), Type.Literal('strict'), Type.Literal('')])),
  maxAge: Type.Optional(Type.Integer()),
  path: Type.Optional(Type.String()),
  domain: Type.Optional(Type.String()),
});
export const StickySchema = Strict({ cookie: Type.Optional(StickyCookieSchema) });

/** `loadBalancer.healthCheck`. */
export const HealthCheckSchema = Strict({
  path: Type.Optional(Type.String()),
  scheme: Type.Optional(Type.String()),
  mode: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('grpc')])),
  hostname: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  interval: Type.Optional(Duration()),
  unhealthyInterval: Type.Optional(Duration()),
  timeout: Type.Optional(Duration()),
  headers: Type.Optional(NamedMap(Type.String())),
  followRedirects: Type.Optional(Type.Boolean()),
  method: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
});

/** `loadBalancer.servers[]`. */
export const ServerSchema = Strict({
  url: Type.String({ minLength: 1 }),
  weight: Type.Optional(Type.Integer({ minimum: 0 })),
  preservePath: Type.Optional(Type.Boolean()),
});

export const LoadBalancerSchema = Strict({
  servers: Type.Optional(Type.Array(ServerSchema)),
  strategy: Type.Optional(Type.String()),
  sticky: Type.Optional(StickySchema),
  healthCheck: Type.Optional(HealthCheckSchema),
  passiveHealthCheck: Type.Optional(Strict({ failureWindow: Type.Optional(Duration()), maxFailedAttempts: Type.Optional(Type.Integer()) })),
  passHostHeader: Type.Optional(Type.Boolean()),
  responseForwarding: Type.Optional(Strict({ flushInterval: Type.Optional(Duration()) })),
  serversTransport: Type.Optional(Type.String()),
});

const WeightedRef = Strict({ name: Type.String({ minLength: 1 }), weight: Type.Optional(Type.Integer({ minimum: 0 })) });
const ParentHealth = Type.Optional(Strict({}));

export const WeightedSchema = Strict({
  services: Type.Array(WeightedRef, { minItems: 1 }),
  sticky: Type.Optional(StickySchema),
  healthCheck: ParentHealth,
});

export const MirroringSchema = Strict({
  service: Type.String({ minLength: 1 }),
  mirrorBody: Type.Optional(Type.Boolean()),
  maxBodySize: Type.Optional(Type.Integer()),
  mirrors: Type.Optional(Type.Array(Strict({ name: Type.String({ minLength: 1 }), percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }))),
  healthCheck: ParentHealth,
});

export const FailoverSchema = Strict({
  service: Type.String({ minLength: 1 }),
  fallback: Type.String({ minLength: 1 }),
  healthCheck: ParentHealth,
});

/** `http.services.<name>`: exactly one kind. */
export const ServiceSchema = Type.Object(
  {
    loadBalancer: Type.Optional(LoadBalancerSchema),
    weighted: Type.Optional(WeightedSchema),
    mirroring: Type.Optional(MirroringSchema),
    failover: Type.Optional(FailoverSchema),
    middlewares: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** `http.serversTransports.<name>`. */
export const ServersTransportSchema = Strict({
  serverName: Type.Optional(Type.String()),
  insecureSkipVerify: Type.Optional(Type.Boolean()),
  rootCAs: Type.Optional(Type.Array(Type.String())),
  certificates: Type.Optional(Type.Array(Strict({ certFile: Type.String(), keyFile: Type.String() }))),
  cipherSuites: Type.Optional(Type.Array(Type.String())),
  minVersion: Type.Optional(Type.String()),
  maxVersion: Type.Optional(Type.String()),
  maxIdleConnsPerHost: Type.Optional(Type.Integer()),
  disableHTTP2: Type.Optional(Type.Boolean()),
  peerCertURI: Type.Optional(Type.String()),
  forwardingTimeouts: Type.Optional(
    Strict({
      dialTimeout: Type.Optional(Duration()),
      responseHeaderTimeout: Type.Optional(Duration()),
      idleConnTimeout: Type.Optional(Duration()),
      readIdleTimeout: Type.Optional(Duration()),
      pingTimeout: Type.Optional(Duration()),
    }),
  ),
});

/** A middleware entry: one key naming its type, whose value the type's own schema checks. */
export const MiddlewareEntrySchema = Type.Record(Type.String(), Type.Unknown(), { minProperties: 1, maxProperties: 1 });

/** `tls` section; its content is checked in depth by the TLS issue's code. */
export const TlsSchema = Strict({
  certificates: Type.Optional(Type.Array(Strict({ certFile: Type.String(), keyFile: Type.String(), stores: Type.Optional(Type.Array(Type.String())) }))),
  options: Type.Optional(NamedMap(Type.Record(Type.String(), Type.Unknown()))),
  stores: Type.Optional(NamedMap(Type.Record(Type.String(), Type.Unknown()))),
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
export type StickyCookieConfig = Static<typeof StickyCookieSchema>;
export type WeightedConfig = Static<typeof WeightedSchema>;
export type MirroringConfig = Static<typeof MirroringSchema>;
export type FailoverConfig = Static<typeof FailoverSchema>;
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
