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
}

/** Creates empty responders. */
export function createChallengeResponders(): ChallengeResponders {
  const http = new Map<string, string>();
  const alpn = new Map<string, { cert: string; key: string }>();
  return {
    httpChallenge: (token) => http.get(token),
    alpnChallenge: (servername) => alpn.get(servername.toLowerCase().replace(/\.$/, '')),
    addHttp(token, keyAuthorization) {
      http.set(token, keyAuthorization);
      return () => void (http.get(token) === keyAuthorization && http.delete(token));
    },
    addAlpn(servername, certificate) {
      const name = servername.toLowerCase();
      alpn.set(name, certificate);
      return () => void (alpn.get(name) === certificate && alpn.delete(name));
    },
  };
}
