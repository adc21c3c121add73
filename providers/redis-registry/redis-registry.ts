import type { RedisOptions } from 'ioredis';
import type { Logger } from '../../src/log.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';
import type { Provider } from '../../src/provider/provider.js';
import { createRegistryProvider, type RegistryBuildOptions } from '../../src/provider/service-registry/index.js';
import { openRedisPrefixSession, providerClientOptions, splitRedisEndpoint } from '../redis/session.js';

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

/**
 * Creates the redisRegistry provider. Instances SET their key with a TTL and refresh it; a key that
 * expires, is deleted or is set fires a keyspace notification that re-reads the prefix. A periodic
 * scan runs as well: Redis only announces an expiry when it actually removes the key (on access or in
 * its sampling expiry cycle), and SCAN both finds missed changes and makes Redis expire what it visits.
 */
export function createRedisRegistry(options: RedisRegistryOptions): Provider {
  const prefix = `${options.prefix}${options.separator}`;
  const where = options.endpoint;
  return createRegistryProvider({
    name: 'redisregistry',
    log: options.log,
    ...(options.defaultRule !== undefined ? { defaultRule: options.defaultRule } : {}),
    ...(options.constraints !== undefined ? { constraints: options.constraints } : {}),
    ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}),
    split: (key) => (key.startsWith(prefix) ? key.slice(prefix.length).split(options.separator) : undefined),
    open: () => openRedisPrefixSession({ provider: 'redisregistry', where, client: clientOptions(options), db: options.db, prefix, rescanMs: options.scanMs, rescanAlways: true, log: options.log }),
  });
}

function clientOptions(options: RedisRegistryOptions): RedisOptions {
  const [host, port] = splitRedisEndpoint(options.endpoint);
  return { ...providerClientOptions(options), host, port };
}
