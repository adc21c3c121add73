import os from 'node:os';
import type { KubeConfig, V1Ingress, V1Service } from '@kubernetes/client-node';
import type { Logger } from '../../src/log.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';
import { createConnection, describe, loadKubeModule, podNamespace, statusOf, type ConnectionOptions, type KubeModule } from './client.js';
import { createInformerSet, type InformerSet } from './informers.js';
import { sleep } from '../../src/wait.js';
import { createLeaderElector, DEFAULT_LEASE_TIMINGS, type LeaderElector, type LeaseTimings } from './leader.js';
import { informerSpecs, type WatchScope } from './specs.js';
import { createStatusPublisher, type IngressEndpoint, type StatusPublisher } from './status.js';
import { translate } from './translate/index.js';
import type { KubeSnapshot, TranslateOptions } from './types.js';

/** The Lease that elects the one replica writing Ingress status. */
export interface LeaseOptions extends Partial<LeaseTimings> {
  namespace: string;
  name: string;
  identity: string;
}

/** Resolved options of the kubernetesIngress provider. */
export interface KubernetesIngressProviderOptions {
  connection: ConnectionOptions;
  scope: WatchScope;
  translate: TranslateOptions;
  /** `throttleDuration` in ms: the least time between two rebuilds. */
  throttleMs: number;
  /** Unset: Ingress status is not written and no Lease is taken. */
  ingressEndpoint?: IngressEndpoint;
  /** Default: `switchyard-ingress-status` in the pod's namespace, identity POD_NAME or the host name. */
  lease?: Partial<LeaseOptions>;
  /** Informer restart delays, doubling from initialMs to maxMs. Default 1 s to 30 s. */
  restartBackoff?: { initialMs: number; maxMs: number };
  /** Delay before a failed status write is retried. Default 2 s. */
  statusRetryMs?: number;
  /** The provider namespace (default `kubernetes`); tests running two replicas side by side rename one. */
  name?: string;
  log: Logger;
}

/** The provider, plus what tests and the API may ask about the status election. */
export interface KubernetesIngressProvider extends Provider {
  /** True while this replica holds the status Lease. */
  isLeader(): boolean;
}

/** The Lease name shared by all replicas (in the pod's namespace). */
export const STATUS_LEASE_NAME = 'switchyard-ingress-status';

/**
 * Creates the kubernetesIngress provider. watch() starts informers, yields the first snapshot only once
 * every informer has listed (so `/ready` waits for a full sync), then rebuilds the whole configuration
 * from the caches on every change signal, at most once per throttleDuration. While the API is away the
 * informers restart with backoff and nothing new is yielded, so the last good routes keep serving.
 */
export function createKubernetesIngressProvider(options: KubernetesIngressProviderOptions): KubernetesIngressProvider {
  const { log } = options;
  const state: ProviderState = { connected: false };
  let elector: LeaderElector | undefined;

  async function* watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
    const k8s = await loadKubeModule();
    const { kc, mode, server } = createConnection(k8s, options.connection);
    log.info({ provider: 'kubernetes', mode, server }, 'connecting to the Kubernetes API');
    let wake: () => void = () => {};
    let dirty = true;
    const informers = createInformerSet({
      k8s,
      kc,
      specs: informerSpecs(k8s, kc, options.scope),
      backoff: options.restartBackoff ?? { initialMs: 1000, maxMs: 30_000 },
      log,
      onChange() {
        dirty = true;
        wake();
      },
      onStatus() {
        state.connected = informers.connected();
        const error = informers.lastError();
        if (error) state.lastError = error;
        else delete state.lastError;
      },
    });
    const status = options.ingressEndpoint ? startStatus(k8s, kc, informers) : undefined;
    try {
      informers.start();
      await settledOrAborted(informers.synced, signal);
      while (!signal.aborted) {
        dirty = false;
        const snapshot = readSnapshot(informers);
        let result;
        try {
          result = translate(snapshot, options.translate);
        } catch (error) {
          // A translation bug keeps the last good snapshot in force; the next change tries again.
          state.lastError = `translation failed: ${(error as Error).message}`;
          log.error({ provider: 'kubernetes', err: error }, state.lastError);
        }
        if (result) {
          state.lastSnapshotAt = new Date().toISOString();
          yield { config: result.config, errors: result.errors, origins: result.origins };
          status?.update(result.processed);
        }
        if (options.throttleMs > 0) await sleep(options.throttleMs, signal);
        if (!dirty) {
          await settledOrAborted(new Promise<void>((resolve) => (wake = resolve)), signal);
          wake = () => {};
        }
      }
    } finally {
      // Watches first, so stopping is prompt even when a status write or the Lease release is slow.
      await informers.close();
      await status?.publisher.close();
      await elector?.stop();
      elector = undefined;
      state.connected = false;
    }
  }

  function startStatus(k8s: KubeModule, kc: KubeConfig, informers: InformerSet) {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // A map lookup per Ingress: a status pass over 10,000 Ingresses listed and scanned all of them for each one.
    const find = <T>(kind: string, namespace: string, name: string) => informers.object(kind, namespace, name) as T | undefined;
    const publisher: StatusPublisher = createStatusPublisher({
      api: kc.makeApiClient(k8s.NetworkingV1Api),
      endpoint: options.ingressEndpoint!,
      isLeader: () => elector?.isLeader() ?? false,
      log,
      ...(options.statusRetryMs !== undefined ? { retryMs: options.statusRetryMs } : {}),
      sources: {
        ingress: (namespace, name) => find<V1Ingress>('Ingress', namespace, name),
        async service(namespace, name) {
          const cached = find<V1Service>('Service', namespace, name);
          if (cached) return cached;
          // The published Service may live outside the watched namespaces.
          try {
            return await core.readNamespacedService({ name, namespace });
          } catch (error) {
            if (statusOf(error) === 404) return undefined;
            throw new Error(describe(error));
          }
        },
      },
    });
    const lease = options.lease ?? {};
    elector = createLeaderElector({
      ...DEFAULT_LEASE_TIMINGS,
      ...lease,
      k8s,
      api: kc.makeApiClient(k8s.CoordinationV1Api),
      namespace: lease.namespace ?? podNamespace(),
      name: lease.name ?? STATUS_LEASE_NAME,
      identity: lease.identity ?? process.env.POD_NAME ?? os.hostname(),
      log,
      onChange: (leader) => leader && publisher.poke(),
    });
    return { publisher, update: (processed: string[]) => publisher.update(processed) };
  }

  return {
    name: options.name ?? 'kubernetes',
    state: () => ({ ...state }),
    isLeader: () => elector?.isLeader() ?? false,
    watch,
  };
}

function settledOrAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}

function readSnapshot(informers: InformerSet): KubeSnapshot {
  return {
    ingresses: informers.objects('Ingress') as KubeSnapshot['ingresses'],
    ingressClasses: informers.objects('IngressClass') as KubeSnapshot['ingressClasses'],
    services: informers.objects('Service') as KubeSnapshot['services'],
    endpointSlices: informers.objects('EndpointSlice') as KubeSnapshot['endpointSlices'],
    secrets: informers.objects('Secret') as KubeSnapshot['secrets'],
  };
}
