import type { Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from '../../src/lazy-modules.js';
import type { Logger } from '../../src/log.js';
import type { KvPair, KvSession } from '../../src/provider/kv/index.js';
import { kvTlsConnection, type KvTls } from '../../src/provider/kv/static-options.js';
import { enableKeyspaceEvents } from './keyspace.js';

const SCAN_COUNT = 1000;
const MGET_BATCH = 500;

/** How one provider reaches Redis (the KV provider and the registry share it). */
export interface RedisConnection {
  db: number;
  username?: string;
  password?: string;
  tls?: KvTls;
}

/** Options every provider client shares: reconnection belongs to the provider loop (with backoff and a fresh read), not to the client. */
export function providerClientOptions(connection: RedisConnection): RedisOptions {
  const { tls } = connection;
  return {
    db: connection.db,
    lazyConnect: true,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    ...(connection.username !== undefined && { username: connection.username }),
    ...(connection.password !== undefined && { password: connection.password }),
    ...(tls && { tls: kvTlsConnection(tls) }),
  };
}

/** `host:port` (optionally `redis://`, `rediss://`, an IPv6 address in brackets) as host and port; 6379 by default. */
export function splitRedisEndpoint(endpoint: string): [string, number] {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(endpoint.replace(/^rediss?:\/\//, ''));
  return match ? [match[1]!, Number(match[2])] : [endpoint, 6379];
}

/** What a prefix session reads and how it follows changes. */
export interface RedisPrefixSessionOptions {
  /** Provider name, for logs. */
  provider: string;
  /** Where, for error messages (`redis <where>: …`). */
  where: string;
  client: RedisOptions;
  db: number;
  /** Keys to read, a literal prefix: glob characters in it are escaped. */
  prefix: string;
  /** Interval of full re-reads in ms: only without keyspace notifications, or always with `rescanAlways`. */
  rescanMs: number;
  /**
   * Re-read periodically even with notifications: Redis announces an expiry only when it actually removes
   * the key, and SCAN both finds missed changes and makes Redis expire what it visits (registries).
   */
  rescanAlways: boolean;
  log: Logger;
}

/**
 * Opens a session on every key under a prefix: SCAN and MGET (one string value per key) for reads, and
 * keyspace notifications to follow changes, turned on when the server lets it (CONFIG SET), with a
 * periodic re-read otherwise. Notifications are not replayed after a reconnect, so a lost connection
 * ends the session and the next one reads everything again.
 */
export async function openRedisPrefixSession(options: RedisPrefixSessionOptions): Promise<KvSession> {
  const { where, log } = options;
  const pattern = `${escapeGlob(options.prefix)}*`;
  const client = new (loadIoredis().Redis)(options.client);
  const subscriber = client.duplicate();
  const clients = [client, subscriber];
  // Errors arrive as events too; an AUTH refusal only arrives that way (the command then sees a closed connection).
  let refused: Error | undefined;
  for (const c of clients) c.on('error', (error: Error) => (refused ??= error));
  const closeAll = () => clients.forEach((c) => c.disconnect());
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    closeAll();
    throw new Error(`redis ${where}: ${(refused ?? (error as Error)).message}`);
  }
  let timer: NodeJS.Timeout | undefined;
  return {
    async watch(changed, lost) {
      for (const c of clients) c.once('end', () => lost(new Error(`redis ${where}: connection lost`)));
      const notifications = await enableKeyspaceEvents(client, log);
      if (notifications) {
        await subscriber.connect();
        subscriber.on('pmessage', changed);
        await subscriber.psubscribe(`__keyspace@${options.db}__:${pattern}`);
      } else {
        log.info({ provider: options.provider, rescanMs: options.rescanMs }, 'keyspace notifications are unavailable; re-reading periodically');
      }
      // A re-read that finds nothing changed is dropped by the watcher.
      if (!notifications || options.rescanAlways) timer = setInterval(changed, options.rescanMs);
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
  const pairs: KvPair[] = [];
  for (let i = 0; i < sorted.length; i += MGET_BATCH) {
    const batch = sorted.slice(i, i + MGET_BATCH);
    const values = await client.mget(...batch);
    // A key deleted or expired since SCAN, or holding a non-string type, reads as null: it is not there.
    batch.forEach((key, index) => values[index] != null && pairs.push({ key, value: values[index]! }));
  }
  return pairs;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
