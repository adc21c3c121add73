import type { Acme, AlpnChallengeCertificate } from '../acme/index.js';
import type { Logger } from '../log.js';
import { isMessage, type AlpnChallengesApplied, type HttpChallengeQuestion, type ToWorker } from './protocol.js';

// A worker that does not acknowledge TLS-ALPN-01 certificates in this long (stuck, dying) does not hold the order.
const ACK_TIMEOUT_MS = 10_000;
// Longer than a cold worker start on a loaded machine; past it the order goes on (and is retried if it fails).
const SERVING_TIMEOUT_MS = 60_000;

/** A worker as the relay sees it: an id and a way to send it a message. */
export interface RelayWorker {
  id: number;
  send(message: ToWorker): void;
}

/** The control process's side of ACME in worker mode: its resolvers' certificates and challenge answers, relayed. */
export interface AcmeRelay {
  /** Sends a worker that just said hello the certificates and pending TLS-ALPN-01 answers (before its first configuration). */
  greet(worker: RelayWorker): void;
  /** Handles a worker's ACME message; false when it is none. */
  handle(worker: RelayWorker, message: unknown): boolean;
  /** A worker exited: no acknowledgement will come from it. */
  gone(workerId: number): void;
  close(): void;
}

/**
 * Relays the ACME resolvers of the control process (the only one that orders, renews and writes the
 * storage) to the workers: certificates are pushed whole on every change and at hello, TLS-ALPN-01
 * certificates are pushed and acknowledged before the CA validates, and HTTP-01 answers are asked for.
 * Every challenge waits until all workers serve a configuration, since the CA connects to them.
 */
export function createAcmeRelay(acme: Acme, options: { workers: () => RelayWorker[]; serving: () => boolean; log: Logger }): AcmeRelay {
  const { workers, log } = options;
  const certificatesMessage = (): ToWorker => ({ type: 'switchyard:certificates', certificates: acme.source.certificates() });
  let alpn: AlpnChallengeCertificate[] = [];
  let alpnKey = '';
  let alpnId = 0;
  let closed = false;
  const waiting = new Map<number, { pending: Set<number>; done: () => void }>();

  const offCertificates = acme.source.onChange(() => {
    const message = certificatesMessage();
    for (const worker of workers()) worker.send(message);
  });
  const sendAlpn = (challenges: AlpnChallengeCertificate[]) => {
    const id = ++alpnId;
    const targets = workers();
    if (targets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log.warn({ workers: [...pending] }, 'workers did not acknowledge the TLS-ALPN-01 certificates in time; validating anyway');
        finish();
      }, ACK_TIMEOUT_MS);
      const pending = new Set(targets.map((w) => w.id));
      const finish = () => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve();
      };
      waiting.set(id, { pending, done: finish });
      for (const worker of targets) worker.send({ type: 'switchyard:alpn-challenges', id, challenges });
    });
  };
  // At start-up the first order can reach its challenge before the workers are forked and serving: the CA
  // would find nobody answering on the public ports and the order would fail, to be retried after a backoff.
  const serving = async () => {
    const deadline = Date.now() + SERVING_TIMEOUT_MS;
    while (!closed && !options.serving() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };
  // One change at a time, in the order they came: each call carries the set as it was when it was made, and a call
  // that waited for the workers longer must not send an older set after a newer one (the workers would drop the
  // certificate the CA is about to ask for). A call thus ends only once every earlier one ended too.
  let queue: Promise<void> = Promise.resolve();
  const relayAlpn = async (challenges: AlpnChallengeCertificate[]) => {
    await serving();
    // HTTP-01 changes come here too, but the workers ask for those: only a new TLS-ALPN-01 set is sent.
    const key = challenges.map((c) => `${c.servername}\n${c.cert}`).join('\n');
    if (key === alpnKey) return;
    alpnKey = key;
    alpn = challenges;
    await sendAlpn(challenges);
  };
  const offRelay = acme.relayChallenges((challenges) => (queue = queue.then(() => relayAlpn(challenges))));
  const acknowledged = (workerId: number, id?: number) => {
    for (const [key, wait] of waiting) if ((id === undefined || key === id) && wait.pending.delete(workerId) && wait.pending.size === 0) wait.done();
  };

  return {
    greet(worker) {
      worker.send(certificatesMessage());
      // Not waited for: an order in flight already counted the workers it waits on; this one gets the current set.
      if (alpn.length) worker.send({ type: 'switchyard:alpn-challenges', id: 0, challenges: alpn });
    },
    handle(worker, message) {
      if (isMessage<HttpChallengeQuestion>(message, 'switchyard:http-challenge')) {
        worker.send({ type: 'switchyard:http-challenge-answer', id: message.id, keyAuthorization: acme.acmeHttpChallengeHandler(message.token) });
      } else if (isMessage<AlpnChallengesApplied>(message, 'switchyard:alpn-challenges-applied')) {
        // An older set acknowledged implies nothing about a newer one: only its own id counts.
        acknowledged(worker.id, message.id);
      } else return false;
      return true;
    },
    gone: (workerId) => acknowledged(workerId),
    close() {
      offCertificates();
      closed = true;
      offRelay();
      for (const wait of waiting.values()) wait.done();
    },
  };
}
