import { Type, type Static } from '@sinclair/typebox';

const Strings = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));
const Bool = (description: string) => Type.Optional(Type.Boolean({ description }));
const Text = (description: string) => Type.Optional(Type.String({ description }));
const HeaderMap = (description: string) => Type.Optional(Type.Record(Type.String(), Type.String(), { description }));

/** Traefik's `headers` options, every key with its meaning and default. */
export const HeadersSchema = Type.Object(
  {
    customRequestHeaders: HeaderMap('Headers set on the request before forwarding; an empty value removes the header. Default none.'),
    customResponseHeaders: HeaderMap('Headers set on the response; an empty value removes the header. Default none.'),
    accessControlAllowCredentials: Bool('Send `Access-Control-Allow-Credentials: true`. Default false.'),
    accessControlAllowHeaders: Strings('`Access-Control-Allow-Headers` of a preflight answer (`*` with credentials echoes the requested headers). Default none.'),
    accessControlAllowMethods: Strings('`Access-Control-Allow-Methods` of a preflight answer (`*` with credentials echoes the requested method). Default none.'),
    accessControlAllowOriginList: Strings('Origins allowed; `*` allows any (echoed when credentials are allowed). Default none.'),
    accessControlAllowOriginListRegex: Strings('Go RE2 expressions; an Origin matching one is allowed and echoed. Default none.'),
    accessControlExposeHeaders: Strings('`Access-Control-Expose-Headers` (a `*` is not sent with credentials). Default none.'),
    accessControlMaxAge: Type.Optional(Type.Integer({ description: '`Access-Control-Max-Age` in seconds for preflight answers. Default: not sent.' })),
    addVaryHeader: Bool('Always add `Origin` to `Vary`. Default false (Switchyard still adds it when the allowed origin depends on the request).'),
    allowedHosts: Strings('Host names allowed; any other host is answered 400. Default none (all hosts).'),
    hostsProxyHeaders: Strings('Headers read, in order, for the host checked against allowedHosts instead of Host. Default none.'),
    sslProxyHeaders: HeaderMap('Header name → value pairs that mark a request as HTTPS (for HSTS and publicKey). Default none.'),
    stsSeconds: Type.Optional(Type.Integer({ minimum: 0, description: '`Strict-Transport-Security` max-age; 0 sends no header. Default 0.' })),
    stsIncludeSubdomains: Bool('Add `includeSubDomains` to HSTS. Default false.'),
    stsPreload: Bool('Add `preload` to HSTS. Default false.'),
    forceSTSHeader: Bool('Send HSTS on plain-HTTP requests too. Default false.'),
    frameDeny: Bool('Send `X-Frame-Options: DENY`. Default false.'),
    customFrameOptionsValue: Text('`X-Frame-Options` value; overrides frameDeny. Default none.'),
    contentTypeNosniff: Bool('Send `X-Content-Type-Options: nosniff`. Default false.'),
    browserXssFilter: Bool('Send `X-XSS-Protection: 1; mode=block`. Default false.'),
    customBrowserXSSValue: Text('`X-XSS-Protection` value; overrides browserXssFilter. Default none.'),
    contentSecurityPolicy: Text('`Content-Security-Policy` value. Default none.'),
    contentSecurityPolicyReportOnly: Text('`Content-Security-Policy-Report-Only` value. Default none.'),
    publicKey: Text('`Public-Key-Pins` value (HPKP), sent on HTTPS requests only. Default none.'),
    referrerPolicy: Text('`Referrer-Policy` value. Default none.'),
    permissionsPolicy: Text('`Permissions-Policy` value. Default none.'),
    isDevelopment: Bool('Development mode: allowedHosts, HSTS and publicKey are not applied. Default false.'),
    featurePolicy: Text('Deprecated (use permissionsPolicy); accepted and ignored, as in Traefik v3.'),
    sslRedirect: Bool('Deprecated (use redirectScheme); accepted and ignored, as in Traefik v3.'),
    sslTemporaryRedirect: Bool('Deprecated (use redirectScheme); accepted and ignored, as in Traefik v3.'),
    sslHost: Text('Deprecated (use redirectRegex); accepted and ignored, as in Traefik v3.'),
    sslForceHost: Bool('Deprecated (use redirectRegex); accepted and ignored, as in Traefik v3.'),
  },
  { additionalProperties: false },
);

/** A `headers` configuration. */
export type HeadersConfig = Static<typeof HeadersSchema>;
