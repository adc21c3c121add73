import { openEtcdPrefixSession } from '../../src/provider/remote/etcd-client.js';
import type { Logger } from '../../src/log.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';
import type { Provider } from '../../src/provider/provider.js';
import { createRegistryProvider, type RegistryBuildOptions } from '../../src/provider/service-registry/index.js';

/** Resolved options of the etcdRegistry provider. */
export interface EtcdRegistryOptions extends RegistryBuildOptions {
  endpoints: string[];
  /** Key prefix without slashes around it, e.g. `switchyard/services`. */
  prefix: string;
  auth?: { username: string; password: string };
  tls?: KvTls;
  log: Logger;
}

/**
 * Creates the etcdRegistry provider. Instances put `<prefix>/<service>/<id>` with a lease they keep
 * alive; when an instance stops, its lease expires, etcd deletes the key and the watch sees the
 * delete. Each session reads the prefix at a revision and watches from the next one, so no change
 * between the read and the watch is missed.
 */
export function createEtcdRegistry(options: EtcdRegistryOptions): Provider {
  const prefix = `${options.prefix}/`;
  return createRegistryProvider({
    name: 'etcdregistry',
    log: options.log,
    ...(options.defaultRule !== undefined ? { defaultRule: options.defaultRule } : {}),
    ...(options.constraints !== undefined ? { constraints: options.constraints } : {}),
    ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}),
    split: (key) => (key.startsWith(prefix) ? key.slice(prefix.length).split('/') : undefined),
    open: () => openEtcdPrefixSession(options, prefix),
  });
}
