import type { AlpnChallengeHandler } from '../tls/certificate-store.js';

/**
 * Pending HTTP-01 and TLS-ALPN-01 answers, shared by every resolver of a gateway. Entries stay
 * until the order is finished: pebble (and Let's Encrypt's multi-perspective validation) fetch
 * each challenge several times.
 */
export interface ChallengeResponders {
  /** The key authorization for an HTTP-01 token, or undefined (RFC 8555 §8.3). */
  httpChallenge(token: string): string | undefined;
  /** The acme-tls/1 certificate for a server name, or undefined (RFC 8737). */
  alpnChallenge: AlpnChallengeHandler;
  addHttp(token: string, keyAuthorization: string): () => void;
  addAlpn(servername: string, certificate: { cert: string; key: string }): () => void;
  /** Every pending TLS-ALPN-01 certificate with its server name (worker mode sends them to the workers). */
  alpnCertificates(): AlpnChallengeCertificate[];
  /** Adds a hook run after every change of the pending answers (HTTP-01 or TLS-ALPN-01); returns a function that removes it. */
  relay(hook: () => Promise<void>): () => void;
  /** Resolves once every relay has finished with the latest change (an order waits for it before the CA validates). */
  relayed(): Promise<void>;
}

/** A pending TLS-ALPN-01 challenge certificate (RFC 8737) for one server name. */
export interface AlpnChallengeCertificate {
  servername: string;
  cert: string;
  key: string;
}

/** Creates empty responders. */
export function createChallengeResponders(): ChallengeResponders {
  const http = new Map<string, string>();
  const alpn = new Map<string, { cert: string; key: string }>();
  const relays = new Set<() => Promise<void>>();
  let last: Promise<unknown> = Promise.resolve();
  const changed = () => {
    if (relays.size) last = Promise.allSettled([...relays].map((relay) => relay()));
  };
  return {
    httpChallenge: (token) => http.get(token),
    alpnChallenge: (servername) => alpn.get(servername.toLowerCase().replace(/\.$/, '')),
    addHttp(token, keyAuthorization) {
      http.set(token, keyAuthorization);
      changed();
      return () => void (http.get(token) === keyAuthorization && http.delete(token) && changed());
    },
    addAlpn(servername, certificate) {
      const name = servername.toLowerCase();
      alpn.set(name, certificate);
      changed();
      return () => void (alpn.get(name) === certificate && alpn.delete(name) && changed());
    },
    alpnCertificates: () => [...alpn].map(([servername, c]) => ({ servername, cert: c.cert, key: c.key })),
    relay(hook) {
      relays.add(hook);
      return () => void relays.delete(hook);
    },
    relayed: () => last.then(() => undefined),
  };
}
