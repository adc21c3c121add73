import { X509Certificate } from 'node:crypto';

/** What the API shows about an ACME certificate. */
export interface AcmeCertificateInfo {
  resolver: string;
  /** Main name first, then the SANs requested. */
  names: string[];
  notBefore: string;
  notAfter: string;
  issuer: string;
  serial: string;
}

/** Parsed facts of a PEM leaf certificate (the first of a chain). */
export interface LeafFacts {
  notBefore: number;
  notAfter: number;
  issuer: string;
  serial: string;
  /** DNS names in the subjectAltName, lower-case. */
  dnsNames: string[];
}

/** Reads the leaf of a PEM chain. */
export function leafFacts(chainPem: string): LeafFacts {
  const x509 = new X509Certificate(chainPem);
  const dnsNames = (x509.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  return {
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
    issuer: x509.issuer.replace(/\n/g, ', '),
    serial: x509.serialNumber,
    dnsNames,
  };
}

/** True when a certificate's names cover `name` (exact or a one-label wildcard, RFC 6125 §6.4.3). */
export function covers(dnsNames: string[], name: string): boolean {
  if (dnsNames.includes(name)) return true;
  const dot = name.indexOf('.');
  return dot > 0 && !name.startsWith('*.') && dnsNames.includes(`*${name.slice(dot)}`);
}
