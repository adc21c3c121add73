import { Etcd3, type Watcher } from 'etcd3';
import { describeEtcdError as describe, etcdClientOptions as clientOptions } from '../../src/provider/remote/etcd-client.js';
import type { Logger } from '../../src/log.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import type { Provider } from '../../src/provider/provider.js';
import { createKvProvider, type KvSession } from '../../src/provider/kv/index.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';

/** Resolved options of one etcd provider. */
export interface EtcdProviderOptions {
  endpoints: string[];
  rootKey: string;
  auth?: { username: string; password: string };
  tls?: KvTls;
  log: Logger;
  middlewares?: MiddlewareRegistry;
  /** Time allowed to reach a member. Default 5 s. */
  dialTimeoutMs?: number;
}

/**
 * Creates the etcd provider. Each session reads the current revision, watches the root prefix from
 * the next one (so nothing between the read and the watch is missed), and reads the prefix whole on
 * every change. A watch that loses its stream ends the session instead of letting the client replay
 * silently, so the provider state shows the outage and the next session starts from a fresh read.
 */
export function createEtcdProvider(options: EtcdProviderOptions): Provider {
  // As written (a leading slash included), so keys stored as `/traefik/…` are found with rootKey `/traefik`.
  const prefix = `${options.rootKey.replace(/\/+$/, '')}/`;
  const where = options.endpoints.join(',');
  if (options.tls?.insecureSkipVerify) options.log.warn({ provider: 'etcd' }, 'providers.etcd.tls.insecureSkipVerify is not supported by the gRPC client; the certificate is verified');

  async function open(): Promise<KvSession> {
    const client = new Etcd3(clientOptions(options));
    let revision: bigint;
    try {
      const probe = await client.get(prefix).exec();
      revision = BigInt(probe.header.revision);
    } catch (error) {
      client.close();
      throw new Error(`etcd ${where}: ${describe(error)}`);
    }
    let watcher: Watcher | undefined;
    return {
      async watch(changed, lost) {
        watcher = await client.watch().prefix(prefix).startRevision(String(revision + 1n)).create();
        watcher.on('put', changed).on('delete', changed);
        watcher.on('disconnected', (error) => lost(new Error(`etcd ${where}: connection lost: ${describe(error)}`)));
        watcher.on('error', (error) => lost(new Error(`etcd ${where}: watch failed: ${describe(error)}`)));
        watcher.on('end', () => lost(new Error(`etcd ${where}: watch ended`)));
      },
      async list() {
        try {
          const values = await client.getAll().prefix(prefix).strings();
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
  }

  return createKvProvider({ name: 'etcd', rootKey: options.rootKey, log: options.log, open, ...(options.middlewares && { middlewares: options.middlewares }) });
}
