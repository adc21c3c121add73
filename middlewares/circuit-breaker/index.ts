import { Type } from '@sinclair/typebox';
import { Duration } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { configHash } from '../../src/runtime/state-store.js';
import { replyText } from '../traffic-control/reply.js';
import { Breaker } from './breaker.js';
import { compileBreakerExpression } from './expression.js';
import { SlidingWindow } from './window.js';

function duration(value: string | number | undefined, fallback: string, key: string): number {
  try {
    const ms = parseDuration(value ?? fallback);
    if (ms <= 0) throw new Error('must be greater than zero');
    return ms;
  } catch (error) {
    throw new Error(`${key}: ${(error as Error).message}`);
  }
}

/**
 * `circuitBreaker`: stops sending traffic to a failing service while an expression over the last 10 s holds.
 * One breaker per middleware, shared by every router using it and kept across reloads while unchanged.
 */
export const circuitBreakerMiddleware = defineMiddleware({
  type: 'circuitBreaker',
  schema: Type.Object(
    {
      expression: Type.String({ minLength: 1, description: 'When to open, e.g. `NetworkErrorRatio() > 0.5`. Required.' }),
      checkPeriod: Type.Optional(Duration('How often the expression is evaluated. Default 100ms.')),
      fallbackDuration: Type.Optional(Duration('How long the breaker stays open. Default 10s.')),
      recoveryDuration: Type.Optional(Duration('How long traffic ramps back up after opening. Default 10s.')),
      responseCode: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'Status answered while open. Default 503.' })),
      fallbackService: Type.Optional(Type.String({ minLength: 1, description: 'Beyond Traefik (#7113): a service that answers instead while open. Default: none (answer responseCode).' })),
    },
    { additionalProperties: false },
  ),
  create(config, next, ctx) {
    let condition: ReturnType<typeof compileBreakerExpression>;
    try {
      condition = compileBreakerExpression(config.expression);
    } catch (error) {
      throw new Error(`expression: ${(error as Error).message}`);
    }
    const timings = {
      checkPeriodMs: duration(config.checkPeriod, '100ms', 'checkPeriod'),
      fallbackMs: duration(config.fallbackDuration, '10s', 'fallbackDuration'),
      recoveryMs: duration(config.recoveryDuration, '10s', 'recoveryDuration'),
    };
    let fallback: ReturnType<typeof ctx.service> | undefined;
    try {
      fallback = config.fallbackService ? ctx.service(config.fallbackService) : undefined;
    } catch (error) {
      throw new Error(`fallbackService: ${(error as Error).message}`);
    }
    const responseCode = config.responseCode ?? 503;
    const breaker = ctx.state.get(`circuitBreaker:${ctx.name}:${configHash(config)}`, () => new Breaker(new SlidingWindow(10), condition, timings));

    return (req, res) => {
      if (!breaker.allow()) {
        if (fallback) return fallback.handle(req, res);
        return replyText(res, responseCode);
      }
      const start = performance.now();
      // Only what happens behind this middleware is measured; 'close' also covers clients that leave.
      res.once('close', () => breaker.record(res.statusCode, performance.now() - start));
      return next(req, res);
    };
  },
});
