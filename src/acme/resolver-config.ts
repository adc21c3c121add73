import { parseDuration } from '../duration.js';
import { syError } from '../errors.js';
import type { AcmeInput, CertificateResolverInput } from './resolver-schema.js';

/** Let's Encrypt production, Traefik's default directory. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/** Key types an ACME resolver can request. */
export type AcmeKeyType = 'EC256' | 'EC384' | 'RSA2048' | 'RSA4096' | 'RSA8192';

/** A fully-defaulted ACME resolver; durations in milliseconds. */
export interface AcmeResolverConfig {
  name: string;
  email: string;
  storage: string;
  caServer: string;
  keyType: AcmeKeyType;
  /** Hours; undefined when not set (renewal then uses a third of each certificate's lifetime). */
  certificatesDuration?: number;
  eab?: { kid: string; hmacEncoded: string };
  caCertificates: string[];
  httpChallenge?: { entryPoint: string; delay: number };
  tlsChallenge?: { delay: number };
  dnsChallenge?: { provider: string; resolvers: string[]; delayBeforeChecks: number; disableChecks: boolean };
  throttle: { maxConcurrent: number; perMinute: number; retryInitialDelay: number; retryMaxDelay: number };
  /** Issuer common name of the chain to keep when the CA offers alternates. */
  preferredChain?: string;
  /** ACME profile asked for in new orders (draft-aaron-acme-profiles). */
  profile?: string;
  /** Leave the CSR's subject empty: every name goes in the SANs only. */
  disableCommonName: boolean;
  /** Milliseconds one order may take, challenges included; 0 means no limit. */
  certificateTimeout: number;
  /** Milliseconds one request to the CA may take. */
  clientTimeout: number;
}

/** Applies defaults to every `certificatesResolvers.<name>.acme`; throws on what the schema could not check. */
export function acmeResolverConfigs(resolvers: Record<string, CertificateResolverInput>): AcmeResolverConfig[] {
  return Object.entries(resolvers).flatMap(([name, r]) => (r.acme ? [acmeResolverConfig(name, r.acme)] : []));
}

/** One resolver with defaults applied. */
export function acmeResolverConfig(name: string, a: AcmeInput): AcmeResolverConfig {
  const where = `certificatesResolvers.${name}.acme`;
  const fail = (text: string) => {
    throw syError('SY_ERR_STATIC_INVALID', `${where}: ${text}`);
  };
  if (!a.httpChallenge && !a.tlsChallenge && !a.dnsChallenge) fail('one of httpChallenge, tlsChallenge or dnsChallenge is required');
  if (a.eab && (!a.eab.kid || !a.eab.hmacEncoded)) fail('eab needs both kid and hmacEncoded');
  const dns = a.dnsChallenge;
  if (dns && !dns.provider) fail('dnsChallenge.provider is required');
  const t = a.throttle ?? {};
  return {
    name,
    email: a.email ?? '',
    storage: a.storage ?? 'acme.json',
    caServer: a.caServer ?? LETS_ENCRYPT_DIRECTORY,
    keyType: (a.keyType as AcmeKeyType | undefined) ?? 'RSA4096',
    ...(a.certificatesDuration !== undefined && { certificatesDuration: a.certificatesDuration }),
    ...(a.eab && { eab: { kid: a.eab.kid!, hmacEncoded: a.eab.hmacEncoded! } }),
    caCertificates: a.caCertificates ?? [],
    ...(a.httpChallenge && { httpChallenge: { entryPoint: a.httpChallenge.entryPoint, delay: ms(a.httpChallenge.delay, 0) } }),
    ...(a.tlsChallenge && { tlsChallenge: { delay: ms(a.tlsChallenge.delay, 0) } }),
    ...(dns && {
      dnsChallenge: {
        provider: dns.provider!,
        resolvers: dns.resolvers ?? [],
        delayBeforeChecks: ms(dns.propagation?.delayBeforeChecks ?? dns.delayBeforeCheck, 0),
        disableChecks: dns.propagation?.disableChecks ?? dns.disablePropagationCheck ?? false,
      },
    }),
    ...(a.preferredChain && { preferredChain: a.preferredChain }),
    ...(a.profile && { profile: a.profile }),
    disableCommonName: a.disableCommonName ?? false,
    certificateTimeout: ms(a.certificateTimeout, 0),
    // Traefik's defaults: 2 minutes per request to the CA.
    clientTimeout: ms(a.clientTimeout, 120_000),
    throttle: {
      maxConcurrent: t.maxConcurrent ?? 2,
      perMinute: t.perMinute ?? 10,
      retryInitialDelay: ms(t.retryInitialDelay, 60_000),
      retryMaxDelay: ms(t.retryMaxDelay, 24 * 3_600_000),
    },
  };
}

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value);
}
