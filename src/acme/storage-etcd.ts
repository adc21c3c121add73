import { randomUUID } from 'node:crypto';
import type { Lease, Watcher } from 'etcd3';
import { loadEtcd3 } from '../lazy-modules.js';
import { etcdClientOptions, describeEtcdError } from '../provider/remote/etcd-client.js';
import type { KvTls } from '../provider/kv/static-options.js';
import { decodeResolverData, encodeResolverData, pause } from './storage-shared.js';
import type { StorageBackend, Unlock } from './storage.js';

/** Where and how an etcd storage keeps ACME data. */
export interface EtcdStorageOptions {
  endpoints: string[];
  /** Keys live under `<prefix>/resolvers/<name>` and `<prefix>/locks/<name>`. */
  prefix: string;
  /** Lease TTL of a lock: a holder that dies releases it this long after its last keep-alive. */
  lockTtlMs: number;
  auth?: { username: string; password: string };
  tls?: KvTls;
}

const POLL_MS = 100;

/**
 * ACME storage in etcd: one JSON value per resolver, updated with a transaction that compares the
 * key's mod revision (retried on conflict), and locks held as keys bound to a lease that is kept
 * alive while held, so a crashed holder's lock vanishes when its lease expires.
 */
export function etcdStorage(options: EtcdStorageOptions): StorageBackend {
  const client = new (loadEtcd3().Etcd3)(etcdClientOptions({ endpoints: options.endpoints, ...(options.auth && { auth: options.auth }), ...(options.tls && { tls: options.tls }) }));
  const where = `etcd ${options.endpoints.join(',')}`;
  const dataKey = (resolver: string) => `${options.prefix}/resolvers/${resolver}`;
  const lockKey = (name: string) => `${options.prefix}/locks/${name}`;
  // etcd rounds lease TTLs to whole seconds and enforces its own minimum.
  const ttlSeconds = Math.max(1, Math.ceil(options.lockTtlMs / 1000));
  const watchers = new Set<Promise<Watcher | undefined>>();
  const leases = new Set<Lease>();
  const fail = (error: unknown): never => {
    throw new Error(`${where}: ${describeEtcdError(error)}`);
  };

  return {
    async read(resolver) {
      const value = await client.get(dataKey(resolver)).string().catch(fail);
      return decodeResolverData(value);
    },
    async update(resolver, change) {
      const key = dataKey(resolver);
      for (let attempt = 0; ; attempt++) {
        const found = await client.get(key).exec().catch(fail);
        const kv = found.kvs[0];
        const next = change(decodeResolverData(kv?.value.toString('utf8')));
        // A missing key has mod revision 0, so the same comparison guards creation.
        const result = await client
          .if(key, 'Mod', '==', kv ? kv.mod_revision : 0)
          .then(client.put(key).value(encodeResolverData(next)))
          .commit()
          .catch(fail);
        if (result.succeeded) return next;
        await pause(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * Math.random());
      }
    },
    async lock(name, signal): Promise<Unlock> {
      const key = lockKey(name);
      const token = randomUUID();
      const lease = client.lease(ttlSeconds);
      leases.add(lease);
      // Losing the lease means another holder may take the lock; the order then races, and the storage's atomic update keeps the data whole.
      lease.on('lost', () => undefined);
      try {
        const id = await lease.grant().catch(fail);
        for (;;) {
          signal?.throwIfAborted();
          const taken = await client.if(key, 'Create', '==', 0).then(client.put(key).value(token).lease(id)).commit().catch(fail);
          if (taken.succeeded) break;
          await pause(POLL_MS + Math.random() * POLL_MS, signal);
        }
      } catch (error) {
        leases.delete(lease);
        await lease.revoke().catch(() => undefined);
        throw error;
      }
      return async () => {
        leases.delete(lease);
        // Revoking deletes the key with its lease; the compare keeps a key another holder took.
        await client.if(key, 'Value', '==', token).then(client.delete().key(key)).commit().catch(() => undefined);
        await lease.revoke().catch(() => undefined);
      };
    },
    watch(listener) {
      const created = client
        .watch()
        .prefix(`${options.prefix}/resolvers/`)
        .create()
        .then(
          (watcher) => watcher.on('put', () => listener()).on('delete', () => listener()).on('error', () => undefined),
          () => undefined,
        );
      watchers.add(created);
      return () => {
        watchers.delete(created);
        void created.then((w) => w?.cancel()).catch(() => undefined);
      };
    },
    async close() {
      await Promise.all([...watchers].map((w) => w.then((x) => x?.cancel()).catch(() => undefined)));
      watchers.clear();
      await Promise.all([...leases].map((l) => l.revoke().catch(() => undefined)));
      leases.clear();
      client.close();
    },
  };
}
