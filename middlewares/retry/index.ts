import { Type } from '@sinclair/typebox';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Duration } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { getContext, setContext, type RequestContext } from '../../src/http/context.js';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { hasRequestBody } from '../../src/http/request-body.js';
import { readBody, type ReadBody } from '../../src/services/read-body.js';
import { createReplayRequest } from '../../src/services/replay-request.js';
import { createDiscardSocket } from '../../src/services/sink-response.js';
import { parseStatusRanges } from '../traffic-control/status-ranges.js';
import { runAttempts } from './attempts.js';
import { createBackoff } from './backoff.js';
import type { RetryPlan } from './plan.js';
import { retryWithoutBody } from './without-body.js';

// Replaying these could repeat a side effect the server already performed (Traefik #8990).
const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK']);
const TWO_MIB = 2 * 1024 * 1024;

function duration(value: string | number | undefined, key: string): number {
  try {
    const ms = parseDuration(value ?? 0);
    if (ms < 0) throw new Error('must not be negative');
    return ms;
  } catch (error) {
    throw new Error(`${key}: ${(error as Error).message}`);
  }
}

/** `retry`: sends a request again, to another server when there is one, when it failed before the server answered (or with a listed status). */
export const retryMiddleware = defineMiddleware({
  type: 'retry',
  schema: Type.Object(
    {
      attempts: Type.Integer({ minimum: 1, description: 'How many times a request is sent at most (the first try included). Required.' }),
      initialInterval: Type.Optional(Duration('First wait of the exponential backoff (waits grow to twice it, ±50% jitter). Default 0: retry at once.')),
      timeout: Type.Optional(Duration('Time after the first attempt past which no new attempt starts. Default 0: no limit.')),
      maxRequestBodyBytes: Type.Optional(Type.Integer({ minimum: -1, description: 'Largest request body kept in memory to be replayed; larger bodies are sent once, not retried. -1: no limit. Default 2 MiB.' })),
      status: Type.Optional(Type.Array(Type.String(), { description: 'Also retry when the server answers one of these statuses ("500", "500,502", "500-504"). Default: none.' })),
      disableRetryOnNetworkError: Type.Optional(Type.Boolean({ description: 'Do not retry network errors, only the listed statuses (needs status). Default false.' })),
      retryNonIdempotentMethod: Type.Optional(Type.Boolean({ description: 'Also retry POST, PATCH and LOCK requests. Default false.' })),
    },
    { additionalProperties: false },
  ),
  create(config, next, ctx) {
    const initialMs = duration(config.initialInterval, 'initialInterval');
    const timeoutMs = duration(config.timeout, 'timeout');
    const status = config.status?.length ? parseStatusRanges(config.status, 'status') : undefined;
    if (config.disableRetryOnNetworkError && !status) throw new Error('disableRetryOnNetworkError: requires status (nothing would be retried)');
    const attempts = config.attempts;
    const retryNetwork = !config.disableRetryOnNetworkError;
    // Everything that depends only on the configuration is built here, once; a request only gets its own
    // backoff sequence when there are waits to grow.
    const noWait = (): number => 0;
    const plan: RetryPlan = {
      attempts,
      timeoutMs,
      backoff: initialMs > 0 ? () => createBackoff(initialMs, attempts) : () => noWait,
      shouldRetry: status ? (code, networkError) => (networkError && retryNetwork) || status(code) : (_code, networkError) => networkError && retryNetwork,
      maxBody: config.maxRequestBodyBytes ?? TWO_MIB,
      log: ctx.log,
    };

    const retryWithBody = async (req: IncomingMessage, res: ServerResponse, rctx: RequestContext): Promise<void> => {
      let body: ReadBody;
      try {
        body = await readBody(req, plan.maxBody);
      } catch {
        return; // the client went away while sending its body
      }
      if (!body.complete) {
        // Too large to keep: what was read is replayed and the rest streams through, once.
        const once = createReplayRequest(req, createDiscardSocket(req.socket), body.chunks, req);
        setContext(once, rctx);
        return next(once, res);
      }
      await runAttempts(req, res, next, plan, body.chunks, { attempt: 1, started: performance.now(), base: { ...rctx }, backoff: plan.backoff() });
    };

    // Not async: the handler it picks returns the promise, without one more layer of its own.
    return (req, res) => {
      const rctx = getContext(req);
      // A WebSocket handshake hands the connection over; it can never be replayed.
      if (attempts < 2 || rctx.upgrade || (!config.retryNonIdempotentMethod && NON_IDEMPOTENT.has(req.method ?? ''))) return next(req, res);
      // HTTP/1 framing says there is no body (RFC 9112 §6.3): nothing to read and keep for a replay.
      if (req.httpVersionMajor === 1 && !hasRequestBody(req)) return retryWithoutBody(req, res, next, plan);
      return retryWithBody(req, res, rctx);
    };
  },
});
