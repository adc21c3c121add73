import type { KubeFake } from '../../helpers/kube-fake/index.js';
import { silentLogger } from '../../../src/log.js';
import type { ProviderSnapshot } from '../../../src/provider/provider.js';
import { createKubernetesIngressProvider, type KubernetesIngressProvider, type KubernetesIngressProviderOptions } from '../../../providers/kubernetes-ingress/index.js';

// The provider imports client-node lazily; loading it here keeps its several seconds out of the tests' deadlines.
await import('@kubernetes/client-node');

/** A provider whose watch runs in the background, every snapshot recorded. */
export interface Run {
  provider: KubernetesIngressProvider;
  snapshots: ProviderSnapshot[];
  stop(): Promise<void>;
}

/** Runs a kubernetesIngress provider against the fake (throttle 0, fast restarts), outside any gateway. */
export function run(fake: KubeFake, overrides: Partial<KubernetesIngressProviderOptions> = {}): Run {
  const provider = createKubernetesIngressProvider({
    connection: { kubeconfig: fake.kubeconfigPath },
    scope: { namespaces: [], clusterScope: true },
    translate: { allowEmptyServices: false, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: true },
    throttleMs: 0,
    restartBackoff: { initialMs: 100, maxMs: 1000 },
    log: silentLogger,
    ...overrides,
  });
  const controller = new AbortController();
  const snapshots: ProviderSnapshot[] = [];
  const done = (async () => {
    for await (const snapshot of provider.watch(controller.signal)) snapshots.push(structuredClone(snapshot));
  })();
  return {
    provider,
    snapshots,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

