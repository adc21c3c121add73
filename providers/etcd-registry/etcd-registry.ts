import { Etcd3, type Watcher } from 'etcd3';
import { describeEtcdError as describe, etcdClientOptions as clientOptions } from '../../src/provider/remote/etcd-client.js';
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
  const where = options.endpoints.join(',');
  return createRegistryProvider({
    name: 'etcdregistry',
    log: options.log,
    ...(options.defaultRule !== undefined ? { defaultRule: options.defaultRule } : {}),
    ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}),
    split: (key) => (key.startsWith(prefix) ? key.slice(prefix.length).split('/') : undefined),
    async open() {
      const client = new Etcd3(clientOptions(options));
      let revision: bigint;
      try {
        revision = BigInt((await client.get(prefix).exec()).header.revision);
      } catch (error) {
        client.close();
        throw new Error(`etcd ${where}: ${describe(error)}`);
      }
      let watcher: Watcher | undefined;
      let listed = false;
      return {
        async watch(changed, lost) {
          watcher = await client.watch().prefix(prefix).startRevision(String(revision + 1n)).create();
          watcher.on('put', changed).on('delete', changed);
          watcher.on('disconnected', (error) => lost(new Error(`etcd ${where}: connection lost: ${describe(error)}`)));
          watcher.on('error', (error) => lost(new Error(`etcd ${where}: watch failed: ${describe(error)}`)));
        },
        async list() {
          try {
            // The first read is pinned to the revision the watch starts after; later ones read the latest.
            const read = client.getAll().prefix(prefix);
            const values = await (listed ? read : read.revision(String(revision))).strings();
            listed = true;
            return Object.entries(values).map(([key, value]) => ({ key, value }));
          } catch (error) {
            throw new Error(`etcd ${where}: ${describe(error)}`);
          }
        },
        async close() {
          watcher?.removeAllListeners();
          await watcher?.cancel().catch(() => undefined);
          client.close();
        },
      };
    },
  });
}
