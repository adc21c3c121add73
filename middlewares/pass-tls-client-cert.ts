import { Type } from '@sinclair/typebox';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { defineMiddleware } from '../src/middleware/definition.js';

const CERT_HEADER = 'x-forwarded-tls-client-cert';
const INFO_HEADER = 'x-forwarded-tls-client-cert-info';

const DnSchema = (withUnit: boolean) =>
  Type.Object(
    {
      country: Type.Optional(Type.Boolean()),
      province: Type.Optional(Type.Boolean()),
      locality: Type.Optional(Type.Boolean()),
      organization: Type.Optional(Type.Boolean()),
      ...(withUnit ? { organizationalUnit: Type.Optional(Type.Boolean()) } : {}),
      commonName: Type.Optional(Type.Boolean()),
      serialNumber: Type.Optional(Type.Boolean()),
      domainComponent: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  );

// Distinguished-name attributes in the order they are written, with their OpenSSL short names.
const DN_FIELDS: Array<[string, string]> = [
  ['country', 'C'], ['province', 'ST'], ['locality', 'L'], ['organization', 'O'], ['organizationalUnit', 'OU'],
  ['commonName', 'CN'], ['serialNumber', 'serialNumber'], ['domainComponent', 'DC'],
];

type DnOptions = Partial<Record<string, boolean>>;

/** `passTLSClientCert`: passes the client certificate (PEM body) and/or selected fields of it to the servers. */
export const passTlsClientCertMiddleware = defineMiddleware({
  type: 'passTLSClientCert',
  schema: Type.Object(
    {
      pem: Type.Optional(Type.Boolean({ description: 'Send the certificate in X-Forwarded-Tls-Client-Cert.' })),
      info: Type.Optional(
        Type.Object(
          {
            notAfter: Type.Optional(Type.Boolean()),
            notBefore: Type.Optional(Type.Boolean()),
            sans: Type.Optional(Type.Boolean()),
            serialNumber: Type.Optional(Type.Boolean()),
            subject: Type.Optional(DnSchema(true)),
            issuer: Type.Optional(DnSchema(false)),
          },
          { additionalProperties: false, description: 'Fields sent in X-Forwarded-Tls-Client-Cert-Info.' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    return (req, res) => {
      // Whatever the client sent under these names is never trusted (header spoofing).
      delete req.headers[CERT_HEADER];
      delete req.headers[INFO_HEADER];
      const socket = req.socket as TLSSocket;
      const cert = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
      if (cert) {
        if (config.pem) req.headers[CERT_HEADER] = pemBody(cert);
        if (config.info) {
          const info = certificateInfo(cert, config.info);
          if (info) req.headers[INFO_HEADER] = info;
        }
      }
      return next(req, res);
    };
  },
});

/** The certificate's base64 DER (a PEM without its armour and line breaks), URL-escaped as Traefik sends it. */
export function pemBody(cert: X509Certificate): string {
  return encodeURIComponent(cert.raw.toString('base64'));
}

/** The `Subject="…";Issuer="…";SerialNumber="…";NB="…";NA="…";SAN="…"` description, URL-escaped. */
export function certificateInfo(cert: X509Certificate, info: { notAfter?: boolean; notBefore?: boolean; sans?: boolean; serialNumber?: boolean; subject?: DnOptions; issuer?: DnOptions }): string {
  const parts: string[] = [];
  if (info.subject) parts.push(`Subject="${distinguishedName(cert.subject, info.subject)}"`);
  if (info.issuer) parts.push(`Issuer="${distinguishedName(cert.issuer, info.issuer)}"`);
  if (info.serialNumber) parts.push(`SerialNumber="${BigInt(`0x${cert.serialNumber}`).toString()}"`);
  if (info.notBefore) parts.push(`NB="${Math.floor(Date.parse(cert.validFrom) / 1000)}"`);
  if (info.notAfter) parts.push(`NA="${Math.floor(Date.parse(cert.validTo) / 1000)}"`);
  if (info.sans) parts.push(`SAN="${sans(cert).join(',')}"`);
  return parts.length ? encodeURIComponent(parts.join(';')) : '';
}

function distinguishedName(dn: string, wanted: DnOptions): string {
  const values = new Map<string, string[]>();
  for (const line of dn.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1)]);
  }
  return DN_FIELDS.filter(([option]) => wanted[option])
    .flatMap(([, short]) => (values.get(short) ?? []).map((v) => `${short}=${v}`))
    .join(',');
}

function sans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => entry.slice(entry.indexOf(':') + 1));
}
