import type * as acme from 'acme-client';
import type { Logger } from '../log.js';
import { accountClient } from './account.js';
import { covers, leafFacts, type AcmeCertificateInfo, type LeafFacts } from './certificate-info.js';
import type { ChallengeResponders } from './challenges.js';
import type { WantedDomain } from './domains.js';
import type { DnsProvider } from './dns/provider.js';
import { orderCertificate } from './order.js';
import type { OrderQueue } from './order-queue.js';
import { renewalTime, retryDelay } from './renewal.js';
import type { AcmeResolverConfig } from './resolver-config.js';
import type { StorageBackend, StoredCertificate } from './storage.js';
import { withTimeout } from '../wait.js';

// setTimeout cannot wait longer than 2^31−1 ms; longer waits re-arm.
const MAX_TIMER = 2 ** 31 - 1;

/** A held certificate with its parsed leaf. */
interface Held extends StoredCertificate {
  facts: LeafFacts;
}

/** What a resolver needs from the gateway. */
export interface ResolverDeps {
  storage: StorageBackend;
  queue: OrderQueue;
  responders: ChallengeResponders;
  dns?: DnsProvider;
  log: Logger;
  now?: () => number;
}

/** One ACME certificate resolver: holds its certificates, orders what is wanted, renews what is due. */
export interface AcmeResolver {
  name: string;
  /** Loads stored certificates (served at once, #7869) and schedules their renewal. */
  start(): Promise<void>;
  /** The domains the current configuration wants; orders what no held certificate covers. */
  want(domains: WantedDomain[]): void;
  held(): Array<{ names: string[]; cert: string; key: string }>;
  info(): AcmeCertificateInfo[];
  /** Resolves once no order is in flight (tests, shutdown). */
  idle(): Promise<void>;
  /** Orders completed by this process (tests count them). */
  ordersPlaced(): number;
  /** Orders waiting for a throttle slot and running. */
  queued(): { waiting: number; running: number };
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

const keyOf = (d: { main: string; sans: string[] }) => [d.main, ...[...d.sans].sort()].join(',');

/** Creates a resolver. */
export function createAcmeResolver(config: AcmeResolverConfig, deps: ResolverDeps): AcmeResolver {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ resolver: config.name });
  const held = new Map<string, Held>();
  const inFlight = new Map<string, Promise<void>>();
  const failures = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  let wanted = new Map<string, WantedDomain>();
  let client: Promise<acme.Client> | undefined;
  let orders = 0;
  let closed = false;
  let unwatch: (() => void) | undefined;
  const abort = new AbortController();

  const changed = () => listeners.forEach((l) => l());
  const due = (h: Held) => now() >= renewalTime(h.facts.notBefore, h.facts.notAfter, config.certificatesDuration);
  // The held certificates naming a DNS name (exact or `*.` wildcard), built once per `want`: scanning every held
  // certificate for every wanted domain not held under its own key cost seconds per reload at 10,000 (issue 8).
  const heldByName = (): Map<string, Held[]> => {
    const index = new Map<string, Held[]>();
    for (const h of held.values()) {
      for (const name of h.facts.dnsNames) {
        const list = index.get(name);
        if (list) list.push(h);
        else index.set(name, [h]);
      }
    }
    return index;
  };
  const coveredBy = (d: WantedDomain, index: Map<string, Held[]>): Held | undefined => {
    // A certificate covering every name covers the main one: only those naming it, or its wildcard, are candidates.
    const dot = d.main.indexOf('.');
    const candidates = [...(index.get(d.main) ?? []), ...(dot > 0 && !d.main.startsWith('*.') ? (index.get(`*${d.main.slice(dot)}`) ?? []) : [])];
    return candidates.find((h) => [d.main, ...d.sans].every((n) => covers(h.facts.dnsNames, n)));
  };

  const schedule = (key: string, at: number, domain: WantedDomain) => {
    clearTimeout(timers.get(key));
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(key);
      if (now() < at) return schedule(key, at, domain);
      // A retry for a name the configuration dropped meanwhile, never issued, is abandoned.
      if (!wanted.has(key) && !held.has(key)) return void failures.delete(key);
      ensure(domain);
    }, Math.min(MAX_TIMER, Math.max(0, at - now())));
    timer.unref();
    timers.set(key, timer);
  };

  const adopt = (stored: StoredCertificate[]) => {
    let any = false;
    for (const c of stored) {
      const key = keyOf(c.domain);
      const current = held.get(key);
      if (current && current.certificate === c.certificate) continue;
      let facts: LeafFacts;
      try {
        facts = leafFacts(c.certificate);
      } catch (error) {
        log.warn({ err: error, domain: c.domain.main }, 'stored ACME certificate cannot be parsed; ignored');
        continue;
      }
      if (current && current.facts.notAfter >= facts.notAfter) continue;
      held.set(key, { ...c, facts });
      any = true;
      // Traefik renews unused certificates too.
      schedule(key, renewalTime(facts.notBefore, facts.notAfter, config.certificatesDuration), c.domain);
    }
    if (any) changed();
  };

  const reload = async () => adopt((await deps.storage.read(config.name)).certificates);

  const obtain = async (domain: WantedDomain, key: string) => {
    // The lock makes replicas sharing the storage order once; the loser finds the winner's certificate.
    const unlock = await deps.storage.lock(`order:${config.name}:${key}`, abort.signal);
    try {
      await reload();
      const existing = held.get(key);
      if (existing && !due(existing)) return;
      client ??= accountClient(config, deps.storage).catch((error) => {
        client = undefined;
        throw error;
      });
      log.info({ domain: domain.main, sans: domain.sans }, existing ? 'renewing ACME certificate' : 'ordering ACME certificate');
      const ordering = orderCertificate(await client, domain, { config, responders: deps.responders, ...(deps.dns && { dns: deps.dns }), signal: abort.signal });
      // certificateTimeout 0 means no limit; a late order's own cleanup still runs.
      const limit = config.certificateTimeout;
      const { certificate, key: privateKey } = await (limit > 0 ? withTimeout(ordering, limit, `ordering ${domain.main} took longer than certificateTimeout (${limit} ms)`) : ordering);
      orders++;
      const stored: StoredCertificate = { domain: { main: domain.main, sans: domain.sans }, certificate, key: privateKey };
      await deps.storage.update(config.name, (data) => ({ ...data, certificates: [...data.certificates.filter((c) => keyOf(c.domain) !== key), stored] }));
      adopt([stored]);
      log.info({ domain: domain.main }, 'ACME certificate obtained');
    } finally {
      await unlock();
    }
  };

  const ensure = (domain: WantedDomain) => {
    const key = keyOf(domain);
    if (closed || inFlight.has(key)) return;
    const run = deps.queue
      .run(() => obtain(domain, key))
      .then(
        () => void failures.delete(key),
        (error: unknown) => {
          if (closed) return;
          const count = (failures.get(key) ?? 0) + 1;
          failures.set(key, count);
          const wait = retryDelay(count, config.throttle.retryInitialDelay, config.throttle.retryMaxDelay);
          log.error({ err: error, domain: domain.main, failures: count, retryInMs: wait }, 'ACME order failed; retrying later');
          schedule(key, now() + wait, domain);
        },
      )
      .finally(() => inFlight.delete(key));
    inFlight.set(key, run);
  };

  return {
    name: config.name,
    async start() {
      await reload();
      unwatch = deps.storage.watch?.(() => void reload().catch(() => undefined));
    },
    want(domains) {
      wanted = new Map(domains.map((d) => [keyOf(d), d]));
      let index: Map<string, Held[]> | undefined;
      for (const [key, domain] of wanted) {
        // A failing domain waits for its backoff timer instead of re-ordering on every reload (#5413); one being
        // ordered needs nothing more.
        if (failures.has(key) || inFlight.has(key)) continue;
        const h = held.get(key) ?? coveredBy(domain, (index ??= heldByName()));
        if (h && !due(h)) continue;
        ensure(domain);
      }
    },
    held: () => [...held.values()].map((h) => ({ names: [h.domain.main, ...h.domain.sans], cert: h.certificate, key: h.key })),
    info: () =>
      [...held.values()].map((h) => ({
        resolver: config.name,
        names: [h.domain.main, ...h.domain.sans],
        notBefore: new Date(h.facts.notBefore).toISOString(),
        notAfter: new Date(h.facts.notAfter).toISOString(),
        issuer: h.facts.issuer,
        serial: h.facts.serial,
      })),
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight.values()]);
    },
    ordersPlaced: () => orders,
    queued: () => deps.queue.pending(),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      abort.abort();
      unwatch?.();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      // An order waiting on the CA is not cancellable in acme-client; do not hold shutdown for long.
      await Promise.race([Promise.allSettled([...inFlight.values()]), new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}
