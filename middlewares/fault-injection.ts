import { STATUS_CODES } from 'node:http';
import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { parseDuration } from '../src/duration.js';

const Percentage = Type.Number({ minimum: 0, maximum: 100, description: 'Share of requests affected, 0 to 100; 0 never, 100 always. Required.' });

const schema = Type.Object(
  {
    abort: Type.Optional(
      Type.Object(
        {
          percentage: Percentage,
          status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'Status the aborted requests are answered with. Default 503.' })),
          body: Type.Optional(Type.String({ description: 'Body of the abort answer (text/plain). Default the status text.' })),
        },
        { additionalProperties: false, description: 'Answer a share of requests at once, without reaching the service.' },
      ),
    ),
    delay: Type.Optional(
      Type.Object(
        {
          percentage: Percentage,
          duration: Type.Union([Type.String(), Type.Number()], { description: 'How long the delayed requests wait before going on (10ms, 2s; a bare number is seconds). Required.' }),
        },
        { additionalProperties: false, description: 'Hold a share of requests before passing them on.' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** True for a share `percentage` of calls; exactly never at 0 and always at 100. */
function chosen(percentage: number): boolean {
  return Math.random() * 100 < percentage;
}

/**
 * `faultInjection` (Switchyard only): delays and/or aborts a share of requests, for resilience testing of
 * clients and of the services behind the gateway. A request is first considered for the delay, then for
 * the abort, so both can hit the same request, as in Envoy's fault filter.
 */
export const faultInjectionMiddleware = defineMiddleware({
  type: 'faultInjection',
  schema,
  create(config, next) {
    if (!config.abort && !config.delay) throw new Error('set abort, delay or both');
    let delayMs = 0;
    if (config.delay) {
      try {
        delayMs = parseDuration(config.delay.duration);
      } catch (error) {
        throw new Error(`delay.duration: ${(error as Error).message}`);
      }
      if (delayMs < 0) throw new Error(`delay.duration: must not be negative, got "${config.delay.duration}"`);
    }
    const abort = config.abort;
    const status = abort?.status ?? 503;
    const body = abort?.body ?? `${STATUS_CODES[status] ?? 'Error'}\n`;

    const proceed: typeof next = (req, res) => {
      if (!abort || !chosen(abort.percentage)) return next(req, res);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    return (req, res) => {
      if (!config.delay || delayMs === 0 || !chosen(config.delay.percentage)) return proceed(req, res);
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          res.off('close', gone);
          Promise.resolve(proceed(req, res)).then(resolve, reject);
        }, delayMs);
        // A client that leaves during the delay must not reach the service.
        const gone = (): void => {
          clearTimeout(timer);
          resolve();
        };
        res.once('close', gone);
      });
    };
  },
});
