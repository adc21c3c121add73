import { readFileSync } from 'node:fs';
import path from 'node:path';
import { constants } from 'node:crypto';
import type { SecureVersion } from 'node:tls';
import { opensslCiphers } from './cipher-suites.js';

/** How a TLS option set asks for client certificates (Go's `tls.ClientAuthType` names). */
export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

/** A `tls.options.<name>` entry translated into what Node's TLS server takes. */
export interface BuiltTlsOptions {
  name: string;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
  ecdhCurve?: string;
  alpnProtocols: string[];
  clientAuthType: ClientAuthType;
  ca?: string[];
  sniStrict: boolean;
  secureOptions: number;
  /** A stable key: equal keys serve identically, so handshakes and requests can be compared (421). */
  key: string;
}

const VERSIONS: Record<string, SecureVersion> = { VersionTLS10: 'TLSv1', VersionTLS11: 'TLSv1.1', VersionTLS12: 'TLSv1.2', VersionTLS13: 'TLSv1.3' };
const CURVES: Record<string, string> = {
  CurveP256: 'P-256', secp256r1: 'P-256', CurveP384: 'P-384', secp384r1: 'P-384', CurveP521: 'P-521', secp521r1: 'P-521', X25519: 'X25519', x25519: 'X25519',
};
const AUTH_TYPES = new Set<string>(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']);
const KNOWN = new Set(['minVersion', 'maxVersion', 'cipherSuites', 'curvePreferences', 'clientAuth', 'sniStrict', 'alpnProtocols', 'disableSessionTickets', 'preferServerCipherSuites']);

/** Traefik's options when none are configured: TLS 1.2+, ALPN h2, http/1.1, acme-tls/1. */
export const DEFAULT_ALPN = ['h2', 'http/1.1', 'acme-tls/1'];

/**
 * Builds one TLS option set; throws naming the key on anything it cannot honour, so the routers
 * using it are disabled rather than served with weaker settings (CVE-2022-46153).
 */
export function buildTlsOptions(name: string, raw: Record<string, unknown>, baseDir: string): BuiltTlsOptions {
  const at = (key: string) => `tls.options.${name}.${key}`;
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new Error(`${at(key)}: unknown option`);
  const version = (key: string, value: unknown): SecureVersion | undefined => {
    if (value === undefined || value === '') return undefined;
    const v = VERSIONS[String(value)];
    if (!v) throw new Error(`${at(key)}: unknown TLS version "${String(value)}" (known: ${Object.keys(VERSIONS).join(', ')})`);
    return v;
  };
  const minVersion = version('minVersion', raw.minVersion) ?? 'TLSv1.2';
  const maxVersion = version('maxVersion', raw.maxVersion);
  if (maxVersion && maxVersion < minVersion) throw new Error(`${at('maxVersion')}: ${String(raw.maxVersion)} is below minVersion`);
  const suites = stringList(raw.cipherSuites, at('cipherSuites'));
  const ciphers = suites?.length ? opensslCiphers(suites, at('cipherSuites')) : undefined;
  const curves = stringList(raw.curvePreferences, at('curvePreferences'))?.map((c, i) => {
    const curve = CURVES[c];
    if (!curve) throw new Error(`${at('curvePreferences')}[${i}]: unknown curve "${c}"`);
    return curve;
  });
  const alpnProtocols = stringList(raw.alpnProtocols, at('alpnProtocols')) ?? DEFAULT_ALPN;
  const { clientAuthType, ca } = clientAuth(raw.clientAuth, at('clientAuth'), baseDir);
  const sniStrict = flag(raw.sniStrict, at('sniStrict'));
  const noTickets = flag(raw.disableSessionTickets, at('disableSessionTickets'));
  const built = {
    name,
    minVersion,
    ...(maxVersion ? { maxVersion } : {}),
    ...(ciphers ? { ciphers } : {}),
    ...(curves?.length ? { ecdhCurve: curves.join(':') } : {}),
    alpnProtocols,
    clientAuthType,
    ...(ca ? { ca } : {}),
    sniStrict,
    secureOptions: noTickets ? constants.SSL_OP_NO_TICKET : 0,
  };
  return { ...built, key: JSON.stringify({ ...built, name: undefined }) };
}

function clientAuth(raw: unknown, key: string, baseDir: string): { clientAuthType: ClientAuthType; ca?: string[] } {
  if (raw === undefined) return { clientAuthType: 'NoClientCert' };
  if (typeof raw !== 'object' || raw === null) throw new Error(`${key}: must be an object`);
  const { caFiles, clientAuthType, ...rest } = raw as Record<string, unknown>;
  for (const extra of Object.keys(rest)) throw new Error(`${key}.${extra}: unknown option`);
  const files = stringList(caFiles, `${key}.caFiles`) ?? [];
  // Traefik: CA files without a type mean the client must present a certificate they sign.
  const type = (clientAuthType ?? (files.length ? 'RequireAndVerifyClientCert' : 'NoClientCert')) as string;
  if (!AUTH_TYPES.has(type)) throw new Error(`${key}.clientAuthType: unknown type "${type}"`);
  const verifies = type === 'VerifyClientCertIfGiven' || type === 'RequireAndVerifyClientCert';
  if (verifies && files.length === 0) throw new Error(`${key}.caFiles: ${type} needs at least one CA`);
  const ca = files.map((f, i) => readPem(f, baseDir, `${key}.caFiles[${i}]`));
  return { clientAuthType: type as ClientAuthType, ...(ca.length ? { ca } : {}) };
}

/** Reads a PEM given inline or as a path (relative to `baseDir`), as Traefik's `FileOrContent`. */
export function readPem(value: string, baseDir: string, key: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(path.resolve(baseDir, value), 'utf8');
  } catch (error) {
    throw new Error(`${key}: cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`${key}: must be a list of strings`);
  return value as string[];
}

function flag(value: unknown, key: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new Error(`${key}: must be true or false`);
  return value;
}
