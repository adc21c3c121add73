import { X509Certificate, createHash } from 'node:crypto';

/** A served certificate as the API shows it (Traefik's `/api/certificates` fields, plus its source). */
export interface CertificateInfo {
  /** SHA-256 fingerprint of the certificate, lower-case hex: the id in `/api/certificates/{id}`. */
  name: string;
  commonName: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  issuerOrg: string;
  issuerCN: string;
  issuerCountry: string;
  organization: string;
  country: string;
  version: number;
  keyType: string;
  keySize: number;
  signatureAlgorithm: string;
  certFingerprint: string;
  publicKeyFingerprint: string;
  /** `expired` past notAfter, `warning` with fewer than 30 days left (Traefik's rule), else `enabled`. */
  status: 'enabled' | 'warning' | 'expired';
  /** Where it came from: `file`, `source` (a resolver), `default`. */
  source: string;
}

const WARNING_MS = 30 * 24 * 3600 * 1000;

/** `expired` past notAfter, `warning` with fewer than 30 days left, else `enabled` (Traefik's rule). */
export function certificateStatus(notAfter: string, now = Date.now()): CertificateInfo['status'] {
  const left = Date.parse(notAfter) - now;
  return left <= 0 ? 'expired' : left < WARNING_MS ? 'warning' : 'enabled';
}
const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

function part(dn: string, key: string): string {
  const line = dn.split('\n').find((l) => l.startsWith(`${key}=`));
  return line ? line.slice(key.length + 1) : '';
}

/** Reads a PEM certificate into what the API shows; `now` decides the status. */
export function describeCertificate(pem: string, source: string, now = Date.now()): CertificateInfo {
  const cert = new X509Certificate(pem);
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const notAfter = new Date(cert.validTo);
  const sans = (cert.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((san) => san.replace(/^(DNS|IP Address):/, ''));
  const fingerprint = cert.fingerprint256.replaceAll(':', '').toLowerCase();
  return {
    name: fingerprint,
    commonName: part(cert.subject, 'CN'),
    sans,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    serialNumber: BigInt(`0x${cert.serialNumber}`).toString(10),
    issuerOrg: part(cert.issuer, 'O'),
    issuerCN: part(cert.issuer, 'CN'),
    issuerCountry: part(cert.issuer, 'C'),
    organization: part(cert.subject, 'O'),
    country: part(cert.subject, 'C'),
    version: 3,
    keyType: key.asymmetricKeyType === 'ec' ? 'ECDSA' : (key.asymmetricKeyType ?? '').toUpperCase(),
    keySize: details.modulusLength ?? CURVE_BITS[details.namedCurve ?? ''] ?? 0,
    signatureAlgorithm: (cert as X509Certificate & { signatureAlgorithm?: string }).signatureAlgorithm ?? '',
    certFingerprint: fingerprint,
    publicKeyFingerprint: createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex'),
    status: certificateStatus(notAfter.toISOString(), now),
    source,
  };
}
