import type { CertificateEntry } from './certificate-store.js';
import { certificateStatus, describeCertificate, type CertificateInfo } from './certificate-info.js';

const cache = new WeakMap<CertificateEntry, CertificateInfo>();

/** Describes served certificates once each (entries are immutable), dropping duplicates of one certificate; the status is recomputed by the caller's clock each call. */
export function describeCertificates(entries: readonly CertificateEntry[], now = Date.now()): CertificateInfo[] {
  const seen = new Map<string, CertificateInfo>();
  for (const entry of entries) {
    let info = cache.get(entry);
    if (!info) {
      try {
        info = describeCertificate(entry.cert, entry.source);
      } catch {
        continue; // unreadable certificates are refused (and logged) by the store already
      }
      cache.set(entry, info);
    }
    if (!seen.has(info.name)) seen.set(info.name, { ...info, status: certificateStatus(info.notAfter, now) });
  }
  return [...seen.values()];
}
