import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { DynamicConfig } from '../config/dynamic-schema.js';
import { certificateNames, type CertificateEntry } from './certificate-store.js';
import { readPem } from './tls-options.js';

/** The configuration's certificates read from disk (or inline), with the files to watch. */
export interface LoadedCertificates {
  certificates: CertificateEntry[];
  defaultCertificate?: CertificateEntry;
  files: string[];
  /** Each unreadable certificate: where it is configured (`tls.certificates[0]`) and the full message. */
  errors: Array<{ certificate: string; message: string }>;
  /** The pairs checked (or found checked before), by PEM text, for the next call. */
  validated: Map<string, string[]>;
}

/** Reads `tls.certificates` and `tls.stores.default.defaultCertificate`; an unreadable pair is skipped and reported. */
export function loadCertificates(tls: DynamicConfig['tls'], baseDir: string, validated: ReadonlyMap<string, string[]> = new Map()): LoadedCertificates {
  const out: LoadedCertificates = { certificates: [], files: [], errors: [], validated: new Map() };
  const read = (pair: { certFile: string; keyFile: string }, key: string): CertificateEntry | undefined => {
    for (const value of [pair.certFile, pair.keyFile]) if (!value.includes('-----BEGIN')) out.files.push(path.resolve(baseDir, value));
    try {
      const cert = readPem(pair.certFile, baseDir, `${key}.certFile`);
      const privateKey = readPem(pair.keyFile, baseDir, `${key}.keyFile`);
      // Files are read on every rebuild (they may have changed); a pair already parsed and matched is not checked again:
      // every configuration swap rebuilds, and with thousands of certificates the checks took half a second (issue 8).
      const pem = `${cert}\n${privateKey}`;
      let names = validated.get(pem) ?? out.validated.get(pem);
      if (!names) {
        const x509 = new X509Certificate(cert);
        if (!x509.checkPrivateKey(createPrivateKey(privateKey))) throw new Error(`${key}: the key does not match the certificate`);
        names = certificateNames(cert);
      }
      out.validated.set(pem, names);
      return { names, cert, key: privateKey, source: 'file' };
    } catch (error) {
      out.errors.push({ certificate: key, message: `${key}: ${(error as Error).message}` });
      return undefined;
    }
  };
  (tls?.certificates ?? []).forEach((pair, i) => {
    const entry = read(pair, `tls.certificates[${i}]`);
    if (entry) out.certificates.push(entry);
  });
  const configured = (tls?.stores?.default as { defaultCertificate?: { certFile?: string; keyFile?: string } } | undefined)?.defaultCertificate;
  if (configured?.certFile && configured.keyFile) {
    const entry = read({ certFile: configured.certFile, keyFile: configured.keyFile }, 'tls.stores.default.defaultCertificate');
    if (entry) out.defaultCertificate = { ...entry, source: 'default' };
  }
  return out;
}
