import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { defineProvider } from '../../src/provider/definition.js';
import { Duration } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { KvTlsSchema, loadKvTls } from '../../src/provider/kv/static-options.js';
import { createRedisProvider } from './redis-provider.js';

const SentinelSchema = Type.Object(
  {
    masterName: Type.String({ minLength: 1, description: 'Name of the monitored master.' }),
    username: Type.Optional(Type.String({ description: 'User name for the sentinels. Default none.' })),
    password: Type.Optional(Type.String({ description: 'Password for the sentinels. Default none.' })),
    // Accepted so Traefik configurations load unchanged: the configuration is always read from the master.
    latencyStrategy: Type.Optional(Type.Boolean()),
    randomStrategy: Type.Optional(Type.Boolean()),
    replicaStrategy: Type.Optional(Type.Boolean()),
    useDisconnectedReplicas: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'Find the master through Redis Sentinel; `endpoints` then lists the sentinels.' },
);

/** `providers.redis` in the static configuration (Traefik's keys plus `pollInterval`). */
export const redisProviderSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'host:port of the Redis server (of the sentinels with `sentinel`). Default ["127.0.0.1:6379"].' })),
    rootKey: Type.Optional(Type.String({ minLength: 1, description: 'Key prefix holding the configuration. Default `traefik`.' })),
    username: Type.Optional(Type.String({ description: 'ACL user name. Default none.' })),
    password: Type.Optional(Type.String({ description: 'Password. Default none.' })),
    db: Type.Optional(Type.Integer({ minimum: 0, description: 'Database number. Default 0.' })),
    tls: Type.Optional(KvTlsSchema),
    sentinel: Type.Optional(SentinelSchema),
    pollInterval: Type.Optional(Duration('Interval of full re-reads when keyspace notifications cannot be enabled. Default 10s.')),
  },
  { additionalProperties: false },
);

/** The Redis provider: Traefik's KV layout under `rootKey`, watched with keyspace notifications or polled. */
export const redisProvider = defineProvider({
  type: 'redis',
  schema: redisProviderSchema,
  create(options, ctx) {
    let tls;
    try {
      tls = options.tls && loadKvTls(options.tls, ctx.baseDir, 'redis');
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    const pollMs = parseDuration(options.pollInterval ?? '10s');
    if (pollMs <= 0) throw syError('SY_ERR_STATIC_INVALID', 'providers.redis.pollInterval: must be more than 0');
    return createRedisProvider({
      endpoints: options.endpoints ?? ['127.0.0.1:6379'],
      rootKey: options.rootKey ?? 'traefik',
      db: options.db ?? 0,
      pollMs,
      log: ctx.log,
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
      ...(tls && { tls }),
      ...(options.sentinel && { sentinel: options.sentinel }),
      ...(ctx.middlewares && { middlewares: ctx.middlewares }),
    });
  },
});

export { createRedisProvider, type RedisProviderOptions } from './redis-provider.js';
