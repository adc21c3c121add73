import { existsSync, readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from '../../src/lazy-modules.js';
import { parseDuration } from '../../src/duration.js';
import type { Logger } from '../../src/log.js';
import type { BucketParams, Decision, Limiter } from './limiter.js';
import type { RedisConfig } from './schema.js';

// The whole reservation runs in Redis, on Redis's clock, so replicas never race or disagree on time.
// Tokens and time are kept in microseconds; a bucket expires once it would be full again.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxDelay = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate) - 1
local delay = 0
if tokens < 0 then delay = -tokens / rate end
if delay > maxDelay then return {0, math.ceil(delay)} end
if now > at then at = now end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate / 1000) + 1000)
return {1, math.ceil(delay)}
`;

type TakeClient = (Redis | Cluster) & { rateLimitTake(key: string, rate: string, burst: string, maxDelay: string): Promise<[number, number]> };

// PEM text is given as it is; anything else names a file (checked by checkRedisConfig, so a wrong
// path is a configuration error rather than a certificate that never verifies).
const isPemText = (value: string): boolean => value.includes('-----BEGIN');

function pem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return isPemText(value) ? value : readFileSync(value, 'utf8');
}

// ioredis reports the same connection failure on every reconnect attempt.
const CONNECTION_ERROR_REPEAT_MS = 30_000;

/** The ioredis options for a `rateLimit.redis` configuration. */
export function redisOptions(config: RedisConfig): RedisOptions {
  const tls: ConnectionOptions | undefined = config.tls
    ? { ca: pem(config.tls.ca), cert: pem(config.tls.cert), key: pem(config.tls.key), rejectUnauthorized: !config.tls.insecureSkipVerify }
    : undefined;
  return {
    username: config.username,
    password: config.password,
    db: config.db ?? 0,
    ...(tls ? { tls } : {}),
    connectTimeout: parseDuration(config.dialTimeout ?? '5s'),
    commandTimeout: parseDuration(config.readTimeout ?? '3s') + parseDuration(config.writeTimeout ?? '3s'),
    // A request must not wait for Redis to come back: fail it and let the next one try.
    maxRetriesPerRequest: 1,
  };
}

function endpoint(text: string): { host: string; port: number } {
  // IPv6 addresses need brackets, as in Go's host:port.
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw new Error(`redis.endpoints: invalid endpoint "${text}" (use host:port)`);
  return { host: (match[1] ?? match[2])!, port: Number(match[3] ?? 6379) };
}

/** Checks the Redis options without connecting (a bad endpoint or duration is a configuration error). */
export function checkRedisConfig(config: RedisConfig): void {
  for (const e of config.endpoints ?? []) endpoint(e);
  for (const key of ['readTimeout', 'writeTimeout', 'dialTimeout'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    try {
      parseDuration(value);
    } catch (error) {
      throw new Error(`redis.${key}: ${(error as Error).message}`);
    }
  }
  for (const key of ['ca', 'cert', 'key'] as const) {
    const value = config.tls?.[key];
    if (value !== undefined && !isPemText(value) && !existsSync(value)) {
      throw new Error(`redis.tls.${key}: "${value}" is neither PEM text nor an existing file`);
    }
  }
}

/** A limiter whose buckets live in Redis under `rate:<middleware>:<source>`, shared by every replica. */
export function createRedisLimiter(config: RedisConfig, params: BucketParams, middleware: string, log: Logger): Limiter {
  const nodes = (config.endpoints ?? ['localhost:6379']).map(endpoint);
  const options = redisOptions(config);
  const { Cluster: ClusterClient, Redis: RedisClient } = loadIoredis();
  const client = (nodes.length > 1 ? new ClusterClient(nodes, { redisOptions: options }) : new RedisClient({ ...nodes[0]!, ...options })) as TakeClient;
  // Logged at error level (the default level shows it), once per distinct cause per 30 s: every request
  // fails with a 500 meanwhile, and the per-request failure only says that the retry limit was reached.
  let lastCause = '';
  let lastAt = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (err.message === lastCause && now - lastAt < CONNECTION_ERROR_REPEAT_MS) return;
    lastCause = err.message;
    lastAt = now;
    log.error({ middleware, err }, `rateLimit ${middleware}: cannot use Redis: ${err.message}`);
  });
  client.defineCommand('rateLimitTake', { numberOfKeys: 1, lua: TAKE });
  const rate = String(params.rate / 1000);
  const burst = String(params.burst);
  const maxDelay = String(Math.round(params.maxDelayMs * 1000));
  return {
    async take(source): Promise<Decision> {
      const [allowed, delayUs] = await client.rateLimitTake(`rate:${middleware}:${source}`, rate, burst, maxDelay);
      return { allowed: allowed === 1, delayMs: Number(delayUs) / 1000 };
    },
    async dispose() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
