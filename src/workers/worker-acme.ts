import type { StaticConfig } from '../config/static-types.js';
import type { CompiledRouter } from '../routing/table.js';
import type { CertificateSource } from '../tls/certificate-store.js';
import type { TlsManager } from '../tls/tls-manager.js';
import { acmeHttpRouters, type AlpnChallengeCertificate } from '../acme/index.js';
import { isMessage, type AlpnChallengesMessage, type CertificatesMessage, type HttpChallengeAnswer, type ToPrimary } from './protocol.js';

// RFC 8555 §8.3: a token is base64url; anything else is answered 404 here without bothering the control process.
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const ANSWER_TIMEOUT_MS = 5_000;

/** A worker's ACME side: serves what its control process's resolvers hold, and asks it for HTTP-01 answers. */
export interface WorkerAcme {
  /** `acme-http@internal` routers for startGateway's `internalRouters`. */
  routers: CompiledRouter[];
  /** Registers the relayed certificates and TLS-ALPN-01 answers with the worker's TLS manager. */
  attach(tls: TlsManager): void;
  /** Handles an ACME message from the control process; false when it is none. */
  handle(message: unknown): boolean;
}

/** Creates a worker's ACME side; without resolvers in the configuration it does nothing. */
export function createWorkerAcme(config: StaticConfig, send: (message: ToPrimary) => void): WorkerAcme {
  let certificates: CertificatesMessage['certificates'] = [];
  let challenges = new Map<string, AlpnChallengeCertificate>();
  const listeners = new Set<() => void>();
  const questions = new Map<number, (keyAuthorization: string | undefined) => void>();
  let questionId = 0;
  const source: CertificateSource = {
    certificates: () => certificates,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  // HTTP-01: the worker asks the control process on each challenge request instead of holding a copy of
  // the tokens. The answer then comes from the one place that has it, so there is no window in which a
  // worker (just forked, or slow to read its IPC) lacks a token the CA is already fetching, nothing to
  // acknowledge before the order goes on, and nothing to clean up; challenge requests are a handful per order.
  const ask = (token: string): Promise<string | undefined> | undefined => {
    if (!TOKEN.test(token) || !process.connected) return undefined;
    const id = ++questionId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), ANSWER_TIMEOUT_MS);
      const finish = (keyAuthorization: string | undefined) => {
        clearTimeout(timer);
        questions.delete(id);
        resolve(keyAuthorization);
      };
      questions.set(id, finish);
      send({ type: 'switchyard:http-challenge', id, token });
    });
  };

  return {
    routers: Object.keys(config.certificatesResolvers).length ? acmeHttpRouters(config, ask) : [],
    attach(tls) {
      tls.registerSource(source);
      tls.registerAlpnChallenge((servername) => challenges.get(servername.toLowerCase().replace(/\.$/, '')));
    },
    handle(message) {
      if (isMessage<CertificatesMessage>(message, 'switchyard:certificates')) {
        certificates = message.certificates;
        listeners.forEach((l) => l());
      } else if (isMessage<AlpnChallengesMessage>(message, 'switchyard:alpn-challenges')) {
        // TLS-ALPN-01 is pushed instead: the handshake hook answers synchronously, so the certificate must be here
        // already; the control process waits for this acknowledgement before the CA is told to validate.
        challenges = new Map(message.challenges.map((c) => [c.servername.toLowerCase(), c]));
        send({ type: 'switchyard:alpn-challenges-applied', id: message.id });
      } else if (isMessage<HttpChallengeAnswer>(message, 'switchyard:http-challenge-answer')) {
        questions.get(message.id)?.(message.keyAuthorization);
      } else return false;
      return true;
    },
  };
}
