import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as K8s from '@kubernetes/client-node';
import { createSerializer, decodeResolverData, encodeResolverData, pause } from './storage-shared.js';
import type { ResolverData, StorageBackend, Unlock } from './storage.js';

/** Where and how a Kubernetes storage keeps ACME data. */
export interface KubernetesStorageOptions {
  /** Default: POD_NAMESPACE, the pod's service account namespace, the kubeconfig context's, else `default`. */
  namespace?: string;
  /** Secrets are named `<prefix>-<resolver>`, Leases `<prefix>-lock-<hash>`. */
  prefix: string;
  /** Lease duration: a lock whose holder stopped renewing it this long ago is taken over. */
  lockDurationMs: number;
  /** A kubeconfig file; default: KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
}

interface Apis {
  k8s: typeof K8s;
  config: K8s.KubeConfig;
  core: K8s.CoreV1Api;
  leases: K8s.CoordinationV1Api;
  namespace: string;
}

const DATA_KEY = 'acme.json';
const STORAGE_LABEL = 'switchyard.io/acme-storage';
const POLL_MS = 250;
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

const statusOf = (error: unknown) => (error as { code?: number }).code;
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/** A DNS-1123 name part for a resolver; names that had to change get a hash so two never collide. */
function namePart(resolver: string): string {
  const clean = resolver.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return clean === resolver && clean !== '' ? clean : `${clean || 'resolver'}-${hash(resolver)}`;
}

/**
 * ACME storage in Kubernetes: one Secret per resolver (`acme.json` key), replaced with its
 * resourceVersion so a concurrent writer's 409 Conflict makes the update re-read and retry; locks
 * are coordination.k8s.io Leases renewed while held. A waiter takes over a Lease whose
 * resourceVersion has not moved for a lease duration on its own clock, so clock skew between
 * replicas cannot break the lock. The client library loads on first use.
 */
export function kubernetesStorage(options: KubernetesStorageOptions): StorageBackend {
  let apis: Promise<Apis> | undefined;
  const connect = () => (apis ??= open(options));
  const serial = createSerializer();
  const secretName = (resolver: string) => `${options.prefix}-${namePart(resolver)}`;
  const leaseName = (name: string) => `${options.prefix}-lock-${hash(name)}`;
  const leaseSeconds = Math.max(1, Math.ceil(options.lockDurationMs / 1000));
  const renewals = new Set<NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  let watching: Promise<void> | undefined;
  let current: Promise<AbortController | undefined> | undefined;
  let closed = false;

  const readSecret = async (a: Apis, name: string) => {
    try {
      return await a.core.readNamespacedSecret({ name, namespace: a.namespace });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
  const readLease = async (a: Apis, name: string) => {
    try {
      return await a.leases.readNamespacedLease({ name, namespace: a.namespace });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };

  const startWatch = async (a: Apis) => {
    let failures = 0;
    while (!closed) {
      const ended = await new Promise<unknown>((resolve) => {
        current = new a.k8s.Watch(a.config)
          .watch(`/api/v1/namespaces/${a.namespace}/secrets`, { labelSelector: `${STORAGE_LABEL}=${options.prefix}` }, (phase) => {
            failures = 0;
            if (phase !== 'BOOKMARK') listeners.forEach((l) => l());
          }, resolve)
          .catch((error: unknown) => void resolve(error));
      });
      if (closed) return;
      failures = ended ? failures + 1 : 0;
      await pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
    }
  };

  return {
    async read(resolver) {
      const a = await connect();
      return fromSecret(await readSecret(a, secretName(resolver)));
    },
    async update(resolver, change) {
      const a = await connect();
      const name = secretName(resolver);
      return serial(name, async () => {
        for (let attempt = 0; ; attempt++) {
          const secret = await readSecret(a, name);
          const next = change(fromSecret(secret));
          const data = { ...secret?.data, [DATA_KEY]: Buffer.from(encodeResolverData(next)).toString('base64') };
          try {
            if (secret) await a.core.replaceNamespacedSecret({ name, namespace: a.namespace, body: { ...secret, data } });
            else
              await a.core.createNamespacedSecret({
                namespace: a.namespace,
                body: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'switchyard', [STORAGE_LABEL]: options.prefix }, annotations: { 'switchyard.io/acme-resolver': resolver } }, data },
              });
            return next;
          } catch (error) {
            // 409: another replica wrote (Conflict) or created (AlreadyExists) it first.
            if (statusOf(error) !== 409) throw error;
          }
          await pause(Math.min(500, 10 * 2 ** Math.min(attempt, 6)) * Math.random());
        }
      });
    },
    async lock(name, signal): Promise<Unlock> {
      const a = await connect();
      const lease = leaseName(name);
      const holder = randomUUID();
      let seen: { version: string | undefined; at: number } | undefined;
      const spec = () => ({ holderIdentity: holder, leaseDurationSeconds: leaseSeconds, acquireTime: new a.k8s.V1MicroTime(), renewTime: new a.k8s.V1MicroTime() });
      for (;;) {
        signal?.throwIfAborted();
        const current = await readLease(a, lease);
        try {
          if (!current) {
            await a.leases.createNamespacedLease({ namespace: a.namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: lease, annotations: { 'switchyard.io/lock': name } }, spec: spec() } });
            break;
          }
          const version = current.metadata?.resourceVersion;
          seen = seen && seen.version === version ? seen : { version, at: Date.now() };
          const duration = (current.spec?.leaseDurationSeconds ?? leaseSeconds) * 1000;
          if (!current.spec?.holderIdentity || Date.now() - seen.at > duration) {
            await a.leases.replaceNamespacedLease({ name: lease, namespace: a.namespace, body: { ...current, spec: spec() } });
            break;
          }
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
        }
        await pause(POLL_MS + Math.random() * POLL_MS, signal);
      }
      const renew = setInterval(() => void renewLease(a, lease, holder).catch(() => undefined), options.lockDurationMs / 3);
      renew.unref();
      renewals.add(renew);
      return async () => {
        clearInterval(renew);
        renewals.delete(renew);
        const current = await readLease(a, lease);
        if (current?.spec?.holderIdentity !== holder) return;
        // The precondition keeps a Lease that another replica took over in between.
        await a.leases.deleteNamespacedLease({ name: lease, namespace: a.namespace, body: { preconditions: { resourceVersion: current.metadata!.resourceVersion! } } }).catch(() => undefined);
      };
    },
    watch(listener) {
      listeners.add(listener);
      watching ??= connect().then(startWatch, () => undefined);
      return () => void listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
      (await current?.catch(() => undefined))?.abort();
      for (const r of renewals) clearInterval(r);
      renewals.clear();
    },
  };

  async function renewLease(a: Apis, lease: string, holder: string) {
    const current = await readLease(a, lease);
    if (current?.spec?.holderIdentity !== holder) return;
    await a.leases.replaceNamespacedLease({ name: lease, namespace: a.namespace, body: { ...current, spec: { ...current.spec, renewTime: new a.k8s.V1MicroTime() } } });
  }
}

function fromSecret(secret: K8s.V1Secret | undefined): ResolverData {
  const encoded = secret?.data?.[DATA_KEY];
  return decodeResolverData(encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined);
}

async function open(options: KubernetesStorageOptions): Promise<Apis> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  const namespace = options.namespace ?? podNamespace() ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return { k8s, config, core: config.makeApiClient(k8s.CoreV1Api), leases: config.makeApiClient(k8s.CoordinationV1Api), namespace };
}

function podNamespace(): string | undefined {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
