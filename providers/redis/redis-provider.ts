import type { RedisOptions } from 'ioredis';
import type { Logger } from '../../src/log.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import type { Provider } from '../../src/provider/provider.js';
import { createKvProvider, type KvSession } from '../../src/provider/kv/index.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';
import { openRedisPrefixSession, providerClientOptions, splitRedisEndpoint } from './session.js';

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

/** Creates the Redis provider: Traefik's layout (one string value per key) under `<root>/`, read by a prefix session. */
export function createRedisProvider(options: RedisProviderOptions): Provider {
  // As written (a leading slash included), so keys stored as `/traefik/…` are found with rootKey `/traefik`.
  const prefix = `${options.rootKey.replace(/\/+$/, '')}/`;
  const where = options.endpoints.join(',');
  const { log } = options;
  if (options.endpoints.length > 1 && !options.sentinel) log.warn({ provider: 'redis' }, `providers.redis.endpoints: only ${options.endpoints[0]} is used (Redis Cluster is not supported)`);

  const open = (): Promise<KvSession> =>
    openRedisPrefixSession({ provider: 'redis', where, client: clientOptions(options), db: options.db, prefix, rescanMs: options.pollMs, rescanAlways: false, log });

  return createKvProvider({ name: 'redis', rootKey: options.rootKey, log, open, ...(options.middlewares && { middlewares: options.middlewares }) });
}

function clientOptions(options: RedisProviderOptions): RedisOptions {
  const { sentinel } = options;
  const [host, port] = splitRedisEndpoint(options.endpoints[0]!);
  const common = providerClientOptions(options);
  if (!sentinel) return { ...common, host, port };
  return {
    ...common,
    sentinels: options.endpoints.map((endpoint) => {
      const [h, p] = splitRedisEndpoint(endpoint);
      return { host: h, port: p };
    }),
    name: sentinel.masterName,
    sentinelRetryStrategy: () => null,
    ...(sentinel.username !== undefined && { sentinelUsername: sentinel.username }),
    ...(sentinel.password !== undefined && { sentinelPassword: sentinel.password }),
  };
}
