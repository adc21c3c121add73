import type { CoordinationV1Api, V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import type { Logger } from '../../src/log.js';
import { describe, statusOf, type KubeModule } from './client.js';
import { sleep } from '../../src/wait.js';

/** Timings of the election, client-go's defaults unless a test shortens them. */
export interface LeaseTimings {
  /** How long a holder's lease is valid after its last renewal as observed by the others. */
  leaseDurationMs: number;
  /** A holder that could not renew for this long gives leadership up. */
  renewDeadlineMs: number;
  /** Time between two attempts to acquire or renew. */
  retryPeriodMs: number;
}

/** client-go's defaults (15 s lease, 10 s renew deadline, 2 s retry). */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** What createLeaderElector needs. */
export interface LeaderElectorOptions extends LeaseTimings {
  k8s: KubeModule;
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  /** Called each time this replica becomes leader or stops being it. */
  onChange(leader: boolean): void;
}

/** A running election on one coordination.k8s.io/v1 Lease. */
export interface LeaderElector {
  isLeader(): boolean;
  /** Ends the loop and, when holding the Lease, releases it so another replica takes over at once. */
  stop(): Promise<void>;
}

/**
 * Starts leader election on a Lease, as client-go's leaderelection does: create the Lease when absent,
 * renew it while holding it, and take it over once its holder has not renewed for leaseDuration.
 * Expiry is judged by when this replica last saw the record change, not by the holder's clock.
 */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { api, namespace, name, identity, log } = options;
  const stopping = new AbortController();
  let leader = false;
  let lastRenewal = 0;
  let observed = '';
  let observedAt = 0;
  const micro = (ms = Date.now()) => new options.k8s.V1MicroTime(ms);
  const seconds = Math.max(1, Math.round(options.leaseDurationMs / 1000));

  async function attempt(): Promise<'leader' | 'follower'> {
    let lease: V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      const spec: V1LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: micro(), renewTime: micro(), leaseTransitions: 0 };
      return conflictIsFollower(api.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec } }));
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const record = JSON.stringify([holder, String(spec.renewTime ?? ''), spec.leaseDurationSeconds]);
    if (record !== observed) {
      observed = record;
      observedAt = Date.now();
    }
    const validMs = (spec.leaseDurationSeconds ?? seconds) * 1000;
    if (holder !== identity && holder !== '' && Date.now() < observedAt + validMs) return 'follower';
    const next: V1LeaseSpec = { ...spec, holderIdentity: identity, leaseDurationSeconds: seconds, renewTime: micro() };
    if (holder !== identity) {
      next.acquireTime = micro();
      next.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    return conflictIsFollower(api.replaceNamespacedLease({ name, namespace, body: { ...lease, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', spec: next } }));
  }

  // Another replica wrote first (AlreadyExists or a stale resourceVersion): it holds the Lease this round.
  async function conflictIsFollower(write: Promise<V1Lease>): Promise<'leader' | 'follower'> {
    try {
      await write;
      return 'leader';
    } catch (error) {
      if (statusOf(error) === 409) return 'follower';
      throw error;
    }
  }

  function set(value: boolean): void {
    if (value === leader) return;
    leader = value;
    log.info({ provider: 'kubernetes', lease: `${namespace}/${name}`, identity }, value ? 'became the Ingress status leader' : 'stopped being the Ingress status leader');
    options.onChange(value);
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const outcome = await attempt();
        if (stopping.signal.aborted) break;
        if (outcome === 'leader') lastRenewal = Date.now();
        set(outcome === 'leader');
      } catch (error) {
        log.warn({ provider: 'kubernetes', lease: `${namespace}/${name}` }, `lease: ${describe(error)}`);
        // A transient failure does not end leadership before the renew deadline.
        if (leader && Date.now() - lastRenewal > options.renewDeadlineMs) set(false);
      }
      await sleep(options.retryPeriodMs, stopping.signal);
    }
  })();

  return {
    isLeader: () => leader,
    async stop() {
      stopping.abort();
      await loop;
      if (!leader) return;
      leader = false;
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== identity) return;
        const spec: V1LeaseSpec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: micro() };
        await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
      } catch (error) {
        log.warn({ provider: 'kubernetes' }, `lease release: ${describe(error)}`);
      }
    },
  };
}
