import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../../src/config/types.js';
import { SourceCriterionSchema } from '../../src/middleware/source-criterion.js';

const RedisTlsSchema = Type.Object(
  {
    ca: Type.Optional(Type.String({ description: 'CA certificate (PEM text or file path) to verify Redis with. Default: system roots.' })),
    cert: Type.Optional(Type.String({ description: 'Client certificate (PEM text or file path). Default none.' })),
    key: Type.Optional(Type.String({ description: 'Client private key (PEM text or file path). Default none.' })),
    insecureSkipVerify: Type.Optional(Type.Boolean({ description: 'Do not verify the Redis certificate. Default false.' })),
  },
  { additionalProperties: false, description: 'TLS to Redis. Default: plain TCP.' },
);

/** `rateLimit.redis`: a Redis shared by every replica, so the limit holds across all of them. */
export const RedisSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'host:port of the Redis server (several: a Redis Cluster). Default ["localhost:6379"].' })),
    username: Type.Optional(Type.String({ description: 'ACL user name. Default none.' })),
    password: Type.Optional(Type.String({ description: 'Password. Default none.' })),
    db: Type.Optional(Type.Integer({ minimum: 0, description: 'Database number. Default 0.' })),
    tls: Type.Optional(RedisTlsSchema),
    poolSize: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted for Traefik compatibility; one multiplexed connection is used. Default 0.' })),
    minIdleConns: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted for Traefik compatibility; ignored. Default 0.' })),
    maxActiveConns: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted for Traefik compatibility; ignored. Default 0.' })),
    readTimeout: Type.Optional(Duration('Time allowed for a limiter command to answer. Default 3s.')),
    writeTimeout: Type.Optional(Duration('Time allowed to send a limiter command (counted with readTimeout). Default 3s.')),
    dialTimeout: Type.Optional(Duration('Time allowed to connect. Default 5s.')),
  },
  { additionalProperties: false, description: 'Keep the buckets in Redis instead of memory. Default: in memory.' },
);

/** The `rateLimit` options, as in Traefik. */
export const RateLimitSchema = Type.Object(
  {
    average: Type.Optional(Type.Number({ minimum: 0, description: 'Requests allowed per period on average; 0 means no limit. Default 0.' })),
    period: Type.Optional(Duration('The period `average` is counted over. Default 1s.')),
    burst: Type.Optional(Type.Integer({ minimum: 0, description: 'Requests allowed at once (bucket size). Default 1.' })),
    sourceCriterion: Type.Optional({ ...SourceCriterionSchema, description: 'What groups requests into one bucket. Default: the client IP (connection address).' }),
    redis: Type.Optional(RedisSchema),
  },
  { additionalProperties: false },
);

/** The `rateLimit` configuration. */
export type RateLimitConfig = Static<typeof RateLimitSchema>;
/** The `rateLimit.redis` configuration. */
export type RedisConfig = Static<typeof RedisSchema>;
