import type { NetworkingV1Api, V1Ingress, V1IngressLoadBalancerIngress, V1Service } from '@kubernetes/client-node';
import type { Logger } from '../../src/log.js';
import { describe } from './client.js';

/** `ingressEndpoint` from the options: what each processed Ingress's status should say. */
export interface IngressEndpoint {
  ip?: string;
  hostname?: string;
  /** `namespace/name` of a Service whose addresses are published. */
  publishedService?: string;
}

/** Where the publisher reads the current objects (the informer caches, with a direct read as fallback). */
export interface StatusSources {
  ingress(namespace: string, name: string): V1Ingress | undefined;
  service(namespace: string, name: string): Promise<V1Service | undefined>;
}

/** What createStatusPublisher needs. */
export interface StatusPublisherOptions {
  api: NetworkingV1Api;
  endpoint: IngressEndpoint;
  sources: StatusSources;
  /** Only the leader writes; a follower's update() is a no-op until it becomes leader. */
  isLeader(): boolean;
  log: Logger;
  /** Delay before retrying after a failed write (a conflict, or the API away). */
  retryMs?: number;
}

/** Keeps `status.loadBalancer.ingress` of the processed Ingresses equal to the endpoint's addresses. */
export interface StatusPublisher {
  /** Records the Ingresses processed by the latest rebuild and brings their status up to date. */
  update(processed: string[]): void;
  /** Runs the last update again (after becoming leader). */
  poke(): void;
  close(): Promise<void>;
}

/** The addresses a Service publishes, as Traefik reads them: LoadBalancer ingress, ClusterIP externalIPs, ExternalName. */
export function serviceAddresses(service: V1Service): V1IngressLoadBalancerIngress[] {
  const spec = service.spec ?? {};
  switch (spec.type) {
    case 'LoadBalancer':
      return (service.status?.loadBalancer?.ingress ?? []).map((entry) => pick(entry.ip, entry.hostname));
    case 'ExternalName':
      return spec.externalName ? [{ hostname: spec.externalName }] : [];
    default:
      return (spec.externalIPs ?? []).map((ip) => ({ ip }));
  }
}

function pick(ip?: string, hostname?: string): V1IngressLoadBalancerIngress {
  return { ...(ip ? { ip } : {}), ...(hostname ? { hostname } : {}) };
}

const same = (a: V1IngressLoadBalancerIngress[], b: V1IngressLoadBalancerIngress[]) =>
  JSON.stringify(a.map((e) => pick(e.ip, e.hostname))) === JSON.stringify(b.map((e) => pick(e.ip, e.hostname)));

/**
 * Creates the status publisher. Writes go one at a time through PUT `…/ingresses/<name>/status`, only
 * for Ingresses whose status differs; a failed write is retried after retryMs from the fresh cache.
 */
export function createStatusPublisher(options: StatusPublisherOptions): StatusPublisher {
  const { api, endpoint, sources, log } = options;
  let processed: string[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // key -> the resourceVersion and addresses of our last write: until the cache moves past that version, the write is known done.
  const written = new Map<string, string>();

  async function desired(): Promise<V1IngressLoadBalancerIngress[] | undefined> {
    if (endpoint.ip || endpoint.hostname) return [pick(endpoint.ip, endpoint.hostname)];
    if (!endpoint.publishedService) return undefined;
    const [namespace, name] = endpoint.publishedService.split('/') as [string, string];
    const service = await sources.service(namespace, name);
    if (!service) {
      log.warn({ provider: 'kubernetes' }, `ingressEndpoint.publishedService: Service ${endpoint.publishedService} not found`);
      return undefined;
    }
    return serviceAddresses(service);
  }

  async function pass(): Promise<boolean> {
    const addresses = await desired();
    if (!addresses) return true;
    let ok = true;
    for (const key of processed) {
      if (closed || !options.isLeader()) return true;
      const [namespace, name] = key.split('/') as [string, string];
      const ingress = sources.ingress(namespace, name);
      if (!ingress || same(ingress.status?.loadBalancer?.ingress ?? [], addresses)) continue;
      const mark = `${ingress.metadata?.resourceVersion ?? ''} ${JSON.stringify(addresses)}`;
      if (written.get(key) === mark) continue;
      try {
        await api.replaceNamespacedIngressStatus({ name, namespace, body: { ...ingress, apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', status: { loadBalancer: { ingress: addresses } } } });
        written.set(key, mark);
        log.debug({ provider: 'kubernetes', ingress: key }, 'Ingress status published');
      } catch (error) {
        ok = false;
        log.warn({ provider: 'kubernetes', ingress: key }, `Ingress status: ${describe(error)}`);
      }
    }
    return ok;
  }

  async function loop(): Promise<void> {
    let ok = true;
    while (again && !closed) {
      again = false;
      if (!options.isLeader()) return;
      ok = await pass().catch((error: unknown) => (log.warn({ provider: 'kubernetes' }, `Ingress status: ${describe(error)}`), false));
    }
    if (!ok && !closed) {
      clearTimeout(retry);
      retry = setTimeout(kick, options.retryMs ?? 2_000);
    }
  }

  function kick(): void {
    if (closed) return;
    again = true;
    if (running) return;
    running = loop().finally(() => {
      running = undefined;
      // A kick that came while the loop was finishing.
      if (again) kick();
    });
  }

  return {
    update(next) {
      processed = [...next];
      kick();
    },
    poke: kick,
    async close() {
      closed = true;
      clearTimeout(retry);
      await running;
    },
  };
}
