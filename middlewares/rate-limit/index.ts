import { parseDuration } from '../../src/duration.js';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { createSourceKey } from '../../src/middleware/source-criterion.js';
import { configHash } from '../../src/runtime/state-store.js';
import { goDuration, replyText } from '../traffic-control/reply.js';
import { bucketParams, type Decision, type Limiter } from './limiter.js';
import { createMemoryLimiter } from './memory-limiter.js';
import { checkRedisConfig, createRedisLimiter } from './redis-limiter.js';
import { RateLimitSchema } from './schema.js';

/**
 * `rateLimit`: a token bucket per source. One set of buckets per middleware, shared by every router
 * that uses it and kept across reloads while the configuration is unchanged (Traefik #13706 makes
 * them per router and resets them on reload).
 */
export const rateLimitMiddleware = defineMiddleware({
  type: 'rateLimit',
  schema: RateLimitSchema,
  create(config, next, ctx) {
    const average = config.average ?? 0;
    let periodMs: number;
    try {
      periodMs = parseDuration(config.period ?? '1s');
    } catch (error) {
      throw new Error(`period: ${(error as Error).message}`);
    }
    if (periodMs <= 0) throw new Error('period: must be greater than zero');
    const sourceOf = createSourceKey(config.sourceCriterion, 'ip');
    if (config.redis) checkRedisConfig(config.redis);
    if (average === 0) return next;
    const params = bucketParams(average, periodMs, config.burst ?? 1);
    const limiter = ctx.state.get<Limiter>(`rateLimit:${ctx.name}:${configHash(config)}`, () =>
      config.redis ? createRedisLimiter(config.redis, params, ctx.name, ctx.log) : createMemoryLimiter(params),
    );

    const proceed = (decision: Decision, req: Parameters<typeof next>[0], res: Parameters<typeof next>[1]): void | Promise<void> => {
      if (!decision.allowed) {
        replyText(res, 429, { 'retry-after': String(Math.ceil(decision.delayMs / 1000)), 'x-retry-in': goDuration(decision.delayMs) });
        return;
      }
      if (decision.delayMs <= 0) return next(req, res);
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          res.off('close', gone);
          Promise.resolve(next(req, res)).then(resolve, reject);
        }, decision.delayMs);
        // A client that leaves while held is not forwarded.
        const gone = (): void => {
          clearTimeout(timer);
          resolve();
        };
        res.once('close', gone);
      });
    };

    return (req, res) => {
      const decision = limiter.take(sourceOf(req));
      if (!(decision instanceof Promise)) return proceed(decision, req, res);
      return decision.then(
        (d) => proceed(d, req, res),
        (err: unknown) => {
          ctx.log.warn({ err }, 'rate limiter store failed');
          replyText(res, 500);
        },
      );
    };
  },
});
