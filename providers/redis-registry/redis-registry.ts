import type { Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from '../../src/lazy-modules.js';
import type { Logger } from '../../src/log.js';
import type { KvPair } from '../../src/provider/kv/index.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';
import type { Provider } from '../../src/provider/provider.js';
import { createRegistryProvider, type RegistryBuildOptions } from '../../src/provider/service-registry/index.js';
import { enableKeyspaceEvents } from '../redis/keyspace.js';

/** Resolved options of the redisRegistry provider. */
export interface RedisRegistryOptions extends RegistryBuildOptions {
  endpoint: string;
  /** Key prefix, e.g. `switchyard:services`; keys are `<prefix><separator><service><separator><id>`. */
  prefix: string;
  separator: ':' | '/';
  db: number;
  username?: string;
  password?: string;
  tls?: KvTls;
  /** Interval of the full scan that runs besides keyspace notifications. */
  scanMs: number;
  log: Logger;
}

const SCAN_COUNT = 1000;

/**
 * Creates the redisRegistry provider. Instances SET their key with a TTL and refresh it; a key that
 * expires, is deleted or is set fires a keyspace notification that re-reads the prefix. A periodic
 * scan runs as well: Redis only announces an expiry when it actually removes the key (on access or in
 * its sampling expiry cycle), and SCAN both finds missed changes and makes Redis expire what it visits.
 */
export function createRedisRegistry(options: RedisRegistryOptions): Provider {
  const prefix = `${options.prefix}${options.separator}`;
  const where = options.endpoint;
  const pattern = `${escapeGlob(prefix)}*`;
  return createRegistryProvider({
    name: 'redisregistry',
    log: options.log,
    ...(options.defaultRule !== undefined ? { defaultRule: options.defaultRule } : {}),
    ...(options.constraints !== undefined ? { constraints: options.constraints } : {}),
    ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}),
    split: (key) => (key.startsWith(prefix) ? key.slice(prefix.length).split(options.separator) : undefined),
    async open() {
      const client = new (loadIoredis().Redis)(clientOptions(options));
      const subscriber = client.duplicate();
      const clients = [client, subscriber];
      for (const c of clients) c.on('error', () => undefined);
      const closeAll = () => clients.forEach((c) => c.disconnect());
      try {
        await client.connect();
        await client.ping();
      } catch (error) {
        closeAll();
        throw new Error(`redis ${where}: ${(error as Error).message}`);
      }
      let timer: NodeJS.Timeout | undefined;
      return {
        async watch(changed, lost) {
          for (const c of clients) c.once('end', () => lost(new Error(`redis ${where}: connection lost`)));
          if (await enableKeyspaceEvents(client, options.log)) {
            await subscriber.connect();
            subscriber.on('pmessage', changed);
            await subscriber.psubscribe(`__keyspace@${options.db}__:${pattern}`);
          } else {
            options.log.info({ provider: 'redisregistry' }, 'keyspace notifications are unavailable; only the periodic scan follows changes');
          }
          // The scan's re-read is dropped by the watcher when nothing changed.
          timer = setInterval(changed, options.scanMs);
        },
        async list() {
          try {
            return await readAll(client, pattern);
          } catch (error) {
            throw new Error(`redis ${where}: ${(error as Error).message}`);
          }
        },
        async close() {
          clearInterval(timer);
          for (const c of clients) c.removeAllListeners('end');
          closeAll();
        },
      };
    },
  });
}

async function readAll(client: Redis, pattern: string): Promise<KvPair[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  const sorted = [...keys].sort();
  if (sorted.length === 0) return [];
  const values = await client.mget(...sorted);
  // An expired or deleted key reads as null: that instance is gone.
  return sorted.flatMap((key, index) => (values[index] != null ? [{ key, value: values[index]! }] : []));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function clientOptions(options: RedisRegistryOptions): RedisOptions {
  const { tls } = options;
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(options.endpoint.replace(/^rediss?:\/\//, ''));
  return {
    host: match ? match[1]! : options.endpoint,
    port: match ? Number(match[2]) : 6379,
    db: options.db,
    lazyConnect: true,
    // Reconnection belongs to the provider loop (with backoff and a fresh read), not to the client.
    retryStrategy: () => null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    ...(options.username !== undefined && { username: options.username }),
    ...(options.password !== undefined && { password: options.password }),
    ...(tls && { tls: { ...(tls.ca && { ca: tls.ca }), ...(tls.cert && { cert: tls.cert }), ...(tls.key && { key: tls.key }), rejectUnauthorized: !tls.insecureSkipVerify } }),
  };
}
