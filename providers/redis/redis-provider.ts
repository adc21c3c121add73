import type { Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from '../../src/lazy-modules.js';
import type { Logger } from '../../src/log.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import type { Provider } from '../../src/provider/provider.js';
import { createKvProvider, type KvPair, type KvSession } from '../../src/provider/kv/index.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';
import { enableKeyspaceEvents } from './keyspace.js';

/** Resolved options of one Redis provider. */
export interface RedisProviderOptions {
  endpoints: string[];
  rootKey: string;
  db: number;
  username?: string;
  password?: string;
  tls?: KvTls;
  sentinel?: { masterName: string; username?: string; password?: string };
  /** Full re-read interval when keyspace notifications cannot be had, in ms. */
  pollMs: number;
  log: Logger;
  middlewares?: MiddlewareRegistry;
}

const SCAN_COUNT = 1000;
const MGET_BATCH = 500;

/**
 * Creates the Redis provider. A session reads every key under `<root>/` with SCAN and MGET (one
 * string value per key, Traefik's layout) and follows changes through keyspace notifications, turning
 * them on when the server lets it (CONFIG SET) and polling otherwise. Notifications are not replayed
 * after a reconnect, so a lost connection ends the session and the next one reads everything again.
 */
export function createRedisProvider(options: RedisProviderOptions): Provider {
  // As written (a leading slash included), so keys stored as `/traefik/…` are found with rootKey `/traefik`.
  const prefix = `${options.rootKey.replace(/\/+$/, '')}/`;
  const where = options.endpoints.join(',');
  const { log } = options;
  if (options.endpoints.length > 1 && !options.sentinel) log.warn({ provider: 'redis' }, `providers.redis.endpoints: only ${options.endpoints[0]} is used (Redis Cluster is not supported)`);

  async function open(): Promise<KvSession> {
    const client = new (loadIoredis().Redis)(clientOptions(options));
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
          await subscriber.psubscribe(`__keyspace@${options.db}__:${escapeGlob(prefix)}*`);
        } else {
          log.info({ provider: 'redis', pollIntervalMs: options.pollMs }, 'keyspace notifications are unavailable; polling');
          timer = setInterval(changed, options.pollMs);
        }
      },
      async list() {
        try {
          return await readAll(client, prefix);
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

  return createKvProvider({ name: 'redis', rootKey: options.rootKey, log, open, ...(options.middlewares && { middlewares: options.middlewares }) });
}

async function readAll(client: Redis, prefix: string): Promise<KvPair[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', SCAN_COUNT);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  const sorted = [...keys].sort();
  const pairs: KvPair[] = [];
  for (let i = 0; i < sorted.length; i += MGET_BATCH) {
    const batch = sorted.slice(i, i + MGET_BATCH);
    const values = await client.mget(...batch);
    // A key deleted since SCAN, or holding a non-string type, reads as null: it is not part of the layout.
    batch.forEach((key, index) => values[index] != null && pairs.push({ key, value: values[index]! }));
  }
  return pairs;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function clientOptions(options: RedisProviderOptions): RedisOptions {
  const { tls, sentinel } = options;
  const [host, port] = splitEndpoint(options.endpoints[0]!);
  const common: RedisOptions = {
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
  if (!sentinel) return { ...common, host, port };
  return {
    ...common,
    sentinels: options.endpoints.map((endpoint) => {
      const [h, p] = splitEndpoint(endpoint);
      return { host: h, port: p };
    }),
    name: sentinel.masterName,
    sentinelRetryStrategy: () => null,
    ...(sentinel.username !== undefined && { sentinelUsername: sentinel.username }),
    ...(sentinel.password !== undefined && { sentinelPassword: sentinel.password }),
  };
}

function splitEndpoint(endpoint: string): [string, number] {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(endpoint.replace(/^rediss?:\/\//, ''));
  return match ? [match[1]!, Number(match[2])] : [endpoint, 6379];
}
