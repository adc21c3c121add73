import { Type, type Static } from '@sinclair/typebox';
import { Duration, Strict } from '../config/types.js';

const Opt = Type.Optional;
const KeyType = Type.Union(['EC256', 'EC384', 'RSA2048', 'RSA4096', 'RSA8192'].map((k) => Type.Literal(k)), { description: 'Key type of issued certificates (default RSA4096).' });

/** `certificatesResolvers.<name>.acme.dnsChallenge`. */
export const DnsChallengeSchema = Strict({
  provider: Opt(Type.String({ minLength: 1, description: 'DNS provider name: `exec`, `httpreq`, or one registered by an embedder (required).' })),
  resolvers: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'DNS servers (`host:port`) asked whether the TXT record is visible.' })),
  propagation: Opt(
    Strict({
      delayBeforeChecks: Opt(Duration('Wait before the first propagation check (default 0s).')),
      disableChecks: Opt(Type.Boolean({ description: 'Skip the propagation check altogether.' })),
      disableANSChecks: Opt(Type.Boolean()),
      requireAllRNS: Opt(Type.Boolean()),
    }),
  ),
  // Traefik v2 spellings, kept so older files load.
  delayBeforeCheck: Opt(Duration()),
  disablePropagationCheck: Opt(Type.Boolean()),
});

/** `certificatesResolvers.<name>.acme`. */
export const AcmeSchema = Strict({
  email: Opt(Type.String({ description: 'Contact e-mail of the ACME account.' })),
  storage: Opt(Type.String({ minLength: 1, description: 'Where the account and certificates are kept: a file (default `acme.json`), or `etcd://host:port/prefix`, `redis://host:port/db?prefix=…`, `kubernetes://namespace/secret-prefix` so replicas share them and order once.' })),
  caServer: Opt(Type.String({ minLength: 1, description: 'ACME directory URL (default Let\'s Encrypt production).' })),
  keyType: Opt(KeyType),
  certificatesDuration: Opt(Type.Integer({ minimum: 1, description: 'Lifetime of issued certificates in hours; drives renewal timing (default 2160).' })),
  // Required parts are checked when the resolver starts, so flags may set them one at a time.
  eab: Opt(Strict({ kid: Opt(Type.String({ minLength: 1 })), hmacEncoded: Opt(Type.String({ minLength: 1 })) })),
  caCertificates: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'CA certificates (files or PEM) trusted for the ACME server.' })),
  caSystemCertPool: Opt(Type.Boolean()),
  caServerName: Opt(Type.String()),
  preferredChain: Opt(Type.String({ minLength: 1, description: 'Issuer common name of the preferred chain when the CA offers alternate chains.' })),
  profile: Opt(Type.String({ minLength: 1, description: 'ACME profile requested for new orders; refused when the CA lists profiles without this one.' })),
  disableCommonName: Opt(Type.Boolean({ description: 'Put the names in the CSR SANs only, with no subject common name (default false).' })),
  emailAddresses: Opt(Type.Array(Type.String(), { description: 'Accepted for Traefik files; not used.' })),
  clientTimeout: Opt(Duration('Time one request to the CA may take (default 2m); the longest of all resolvers applies.')),
  clientResponseHeaderTimeout: Opt(Duration('Accepted for Traefik files; clientTimeout bounds each request.')),
  certificateTimeout: Opt(Duration('Time one order may take, challenges included (default no limit).')),
  httpChallenge: Opt(Strict({ entryPoint: Type.String({ minLength: 1 }), delay: Opt(Duration()) })),
  tlsChallenge: Opt(Strict({ delay: Opt(Duration()) })),
  dnsChallenge: Opt(DnsChallengeSchema),
  throttle: Opt(
    Strict(
      {
        maxConcurrent: Opt(Type.Integer({ minimum: 1, description: 'Orders in flight at once (default 2).' })),
        perMinute: Opt(Type.Integer({ minimum: 1, description: 'New orders started per minute (default 10).' })),
        retryInitialDelay: Opt(Duration('First wait after a failed order; doubles per failure (default 1m).')),
        retryMaxDelay: Opt(Duration('Longest wait between retries (default 24h).')),
      },
      'Switchyard only: throttles new orders so a batch of hosts cannot trip CA rate limits.',
    ),
  ),
});

/** `certificatesResolvers.<name>`. */
export const CertificateResolverSchema = Strict({
  acme: Opt(AcmeSchema),
  // Accepted so Traefik files load; Switchyard has no Tailscale integration.
  tailscale: Opt(Strict({})),
});

/** One certificate resolver as written by the user. */
export type CertificateResolverInput = Static<typeof CertificateResolverSchema>;
/** The `acme` section as written by the user. */
export type AcmeInput = Static<typeof AcmeSchema>;
