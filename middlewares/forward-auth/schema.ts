import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../../src/config/types.js';

const TlsSchema = Type.Object(
  {
    ca: Type.Optional(Type.String({ description: 'CA bundle (file path or PEM text) trusted for the auth server. Default: the system CAs.' })),
    cert: Type.Optional(Type.String({ description: 'Client certificate (file path or PEM text) presented to the auth server. Default none.' })),
    key: Type.Optional(Type.String({ description: 'Private key (file path or PEM text) of the client certificate. Default none.' })),
    insecureSkipVerify: Type.Optional(Type.Boolean({ description: "Do not verify the auth server's certificate. Default false." })),
    caOptional: Type.Optional(Type.Boolean({ description: 'Deprecated in Traefik and ignored (client authentication is a server option).' })),
  },
  { additionalProperties: false, description: 'TLS options for an https address. Default none.' },
);

const CacheSchema = Type.Object(
  {
    ttl: Duration('How long an allowing (2xx) decision is reused. Required.'),
    negativeTtl: Type.Optional(Duration('How long a denying 4xx answer is reused. Default 0 (never cached).')),
    key: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Headers of the auth request whose values form the cache key (X-Forwarded-Uri etc. allowed). Default [Authorization, Cookie].',
      }),
    ),
    maxEntries: Type.Optional(Type.Integer({ minimum: 1, description: 'Most decisions kept; the oldest are dropped first. Default 10000.' })),
  },
  { additionalProperties: false, description: 'Switchyard extension (Traefik #11718): reuse auth decisions. Default off.' },
);

/** The `forwardAuth` options: Traefik's, plus the opt-in `cache`. */
export const ForwardAuthSchema = Type.Object(
  {
    address: Type.String({ minLength: 1, description: 'URL of the auth server (http or https). Required.' }),
    tls: Type.Optional(TlsSchema),
    trustForwardHeader: Type.Optional(Type.Boolean({ description: "Deprecated. Pass the request's X-Forwarded-* headers on instead of the gateway's own. Default false." })),
    authResponseHeaders: Type.Optional(Type.Array(Type.String(), { description: 'Auth response headers copied onto the request on success. Default none.' })),
    authResponseHeadersRegex: Type.Optional(Type.String({ description: 'Auth response headers whose (canonical) name matches this Go regexp are copied on success. Default none.' })),
    authRequestHeaders: Type.Optional(Type.Array(Type.String(), { description: 'Request headers sent to the auth server. Default: all.' })),
    addAuthCookiesToResponse: Type.Optional(Type.Array(Type.String(), { description: "Names of the auth server's cookies added to the response on success. Default none." })),
    headerField: Type.Optional(Type.String({ description: 'Auth response header naming the user, for access logs. Default none.' })),
    forwardBody: Type.Optional(Type.Boolean({ description: 'Send the request body to the auth server (buffers it). Default false.' })),
    maxBodySize: Type.Optional(Type.Integer({ minimum: -1, description: 'Largest body sent with forwardBody, in bytes; larger ones get 401. Default -1 (no limit).' })),
    maxResponseBodySize: Type.Optional(Type.Integer({ minimum: -1, description: 'Largest auth response body read, in bytes; larger ones give 401. Default -1 (no limit).' })),
    preserveLocationHeader: Type.Optional(Type.Boolean({ description: "Relay the auth server's Location as sent instead of resolving it against address. Default false." })),
    preserveRequestMethod: Type.Optional(Type.Boolean({ description: "Call the auth server with the request's method instead of GET. Default false." })),
    authSigninURL: Type.Optional(Type.String({ description: 'Where to redirect (302) when the auth server answers 401. Default none.' })),
    cache: Type.Optional(CacheSchema),
  },
  { additionalProperties: false },
);

/** A validated `forwardAuth` configuration. */
export type ForwardAuthConfig = Static<typeof ForwardAuthSchema>;
