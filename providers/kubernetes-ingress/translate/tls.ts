import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { V1Ingress } from '@kubernetes/client-node';
import type { SnapshotIndex } from './snapshot-index.js';

/** A certificate pair as `tls.certificates` takes it, with the PEM inline. */
export interface CertificatePair {
  certFile: string;
  keyFile: string;
}

/** Certificates of Secrets already read in this translation, keyed `namespace/name`: a pair or why it failed. */
export type CertificateCache = Map<string, CertificatePair | { error: string }>;

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function decode(data: Record<string, string> | undefined, key: string): string {
  const raw = data?.[key];
  if (raw === undefined) throw new Error(`has no ${key}`);
  if (!BASE64.test(raw)) throw new Error(`${key} is not base64`);
  const text = Buffer.from(raw, 'base64').toString('utf8');
  if (text.trim() === '') throw new Error(`${key} is empty`);
  return text;
}

function readSecret(index: SnapshotIndex, namespace: string, name: string): CertificatePair | { error: string } {
  const secret = index.secret(namespace, name);
  if (!secret) return { error: `secret ${namespace}/${name} not found` };
  const pair = checkedPair(secret.data);
  return 'error' in pair ? { error: `secret ${namespace}/${name}: ${pair.error}` } : pair;
}

// Checking a pair parses its certificate and key: most of a rebuild with many TLS Secrets (1,000 of them cost about
// 150 ms per rebuild, issue 8), and every Ingress change rebuilds. The outcome is remembered per Secret `data` object
// (the informer keeps an unchanged Secret's object from one rebuild to the next) with the two values it was for.
const checked = new WeakMap<object, { crt: string | undefined; key: string | undefined; pair: CertificatePair | { error: string } }>();

function checkedPair(data: Record<string, string> | undefined): CertificatePair | { error: string } {
  if (data === undefined) return checkPair(data);
  const crt = data['tls.crt'];
  const key = data['tls.key'];
  const known = checked.get(data);
  if (known !== undefined && known.crt === crt && known.key === key) return known.pair;
  const pair = checkPair(data);
  checked.set(data, { crt, key, pair });
  return pair;
}

function checkPair(data: Record<string, string> | undefined): CertificatePair | { error: string } {
  try {
    const certFile = decode(data, 'tls.crt');
    const keyFile = decode(data, 'tls.key');
    // Checked here, where the Ingress is known, so the error can name it; the TLS loader checks again.
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(certFile);
    } catch {
      throw new Error('tls.crt is not a PEM certificate');
    }
    let key: ReturnType<typeof createPrivateKey>;
    try {
      key = createPrivateKey(keyFile);
    } catch {
      throw new Error('tls.key is not a PEM private key');
    }
    if (!x509.checkPrivateKey(key)) throw new Error('tls.key does not match tls.crt');
    return { certFile, keyFile };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Loads the certificates of an Ingress's `spec.tls` Secrets (`tls.crt` and `tls.key`) into `cache`; returns one
 * message per Secret that is missing or malformed. As in Traefik, this only provides certificates: TLS on the
 * routers comes from `router.tls` or the entry point.
 */
export function ingressCertificates(ingress: V1Ingress, index: SnapshotIndex, cache: CertificateCache): string[] {
  const namespace = ingress.metadata?.namespace ?? '';
  const errors: string[] = [];
  for (const entry of ingress.spec?.tls ?? []) {
    if (!entry.secretName) continue;
    const key = `${namespace}/${entry.secretName}`;
    let found = cache.get(key);
    if (!found) cache.set(key, (found = readSecret(index, namespace, entry.secretName)));
    if ('error' in found) errors.push(`${found.error}; its certificate is not loaded`);
  }
  return errors;
}

/** The loaded pairs, ordered by Secret so the output does not depend on Ingress order. */
export function certificateList(cache: CertificateCache): CertificatePair[] {
  return [...cache]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, value]) => ('error' in value ? [] : [{ certFile: value.certFile, keyFile: value.keyFile }]));
}
