import { X509Certificate } from 'node:crypto';

/** One certificate with its key (PEM) and the DNS names it is served for. */
export interface CertificateEntry {
  names: string[];
  cert: string;
  key: string;
  /** Where it came from, e.g. `file`, `acme:le`, `default`. */
  source: string;
}

/** A supplier of certificates beyond the dynamic configuration (ACME resolvers, Kubernetes Secrets, KV). */
export interface CertificateSource {
  certificates(): Array<{ names: string[]; cert: string; key: string }>;
  /** Calls `listener` whenever `certificates()` would return something new; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Answers a TLS-ALPN-01 handshake (`acme-tls/1`, RFC 8737) for a name with a challenge certificate, or undefined. */
export type AlpnChallengeHandler = (servername: string) => { cert: string; key: string } | undefined;

/**
 * Certificates indexed by name: exact names first, then one-label wildcards (`*.example.com` covers
 * `a.example.com`, not `a.b.example.com`, RFC 6125 §6.4.3). Immutable once built, so a swap is atomic.
 */
export class CertificateStore {
  private readonly exact = new Map<string, CertificateEntry>();
  private readonly wildcard = new Map<string, CertificateEntry>();
  private readonly all: CertificateEntry[] = [];
  /** Entries by their content, so the next store built from the same certificates hands out the same objects. */
  private readonly byContent = new Map<string, CertificateEntry>();
  /** The entries of the store this one replaces (only its map, so no chain of older stores stays alive). */
  private readonly reusable: ReadonlyMap<string, CertificateEntry> | undefined;

  /**
   * `previous`: the store this one replaces. A certificate added again with the same names, PEMs and source is
   * its entry object, so what is kept per entry (TLS contexts, API descriptions) survives a rebuild: every
   * configuration swap rebuilds the store, and with thousands of certificates each one cost a new context.
   */
  constructor(previous?: CertificateStore) {
    this.reusable = previous?.byContent;
  }

  /** Adds a certificate under `names` (its SANs when empty); the first one added for a name wins. */
  addCertificate(names: string[], cert: string, key: string, source: string): CertificateEntry {
    const content = `${source}\n${names.join(',')}\n${cert}\n${key}`;
    let entry = this.byContent.get(content) ?? this.reusable?.get(content);
    if (!entry) {
      const served = (names.length ? names : certificateNames(cert)).map((n) => n.toLowerCase().replace(/\.$/, ''));
      entry = { names: served, cert, key, source };
    }
    this.byContent.set(content, entry);
    const served = entry.names;
    this.all.push(entry);
    for (const name of served) {
      const index = name.startsWith('*.') ? this.wildcard : this.exact;
      const keyName = name.startsWith('*.') ? name.slice(2) : name;
      if (!index.has(keyName)) index.set(keyName, entry);
    }
    return entry;
  }

  /** The certificate for a server name: exact, then wildcard; undefined when none matches. */
  lookup(servername: string): CertificateEntry | undefined {
    const name = servername.toLowerCase().replace(/\.$/, '');
    const hit = this.exact.get(name);
    if (hit) return hit;
    const dot = name.indexOf('.');
    return dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined;
  }

  /** Every certificate, in the order added. */
  entries(): readonly CertificateEntry[] {
    return this.all;
  }
}

/** The DNS names a certificate is valid for: its DNS SANs, else its subject CN. */
export function certificateNames(certPem: string): string[] {
  const x509 = new X509Certificate(certPem);
  const sans = (x509.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
    .map((s) => s.slice(s.indexOf(':') + 1));
  if (sans.length) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x509.subject)?.[1];
  return cn ? [cn] : [];
}
