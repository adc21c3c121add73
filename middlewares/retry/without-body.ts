import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { getContext, type Handler, type RequestContext } from '../../src/http/context.js';
import { runAttempts, sleep } from './attempts.js';
import { never, startDirectAttempt } from './direct-attempt.js';
import type { RetryPlan } from './plan.js';

/**
 * Retries a request that has no body. Most requests are answered by their first attempt, so that one
 * runs on the client's own request and response (no copy, no second response); only the request's
 * header map is its own copy, because forwarding and middlewares after retry change it in place and a
 * later attempt (and the access log) must see the client's. When the first attempt is dropped, the
 * later ones are made as for a request with a body, with an empty one.
 */
export async function retryWithoutBody(req: IncomingMessage, res: ServerResponse, next: Handler, plan: RetryPlan): Promise<void> {
  const rctx = getContext(req);
  const started = performance.now();
  const backoff = plan.backoff();
  // Decided before the attempt, because a retried attempt's answer is dropped as it arrives.
  const wait = backoff();
  const last = plan.timeoutMs > 0 && performance.now() + wait - started >= plan.timeoutMs;
  const base: RequestContext = { ...rctx };
  const { headers, url } = req;
  req.headers = { ...headers };
  rctx.attempt = 1;
  rctx.serverUrl = undefined;
  const attempt = startDirectAttempt(res, last ? never : plan.shouldRetry);
  let finished: Promise<boolean> | false = false;
  try {
    await next(req, res);
  } finally {
    req.headers = headers;
    req.url = url;
    // Also when the downstream threw: a head written after that (an error answer) must reach the client.
    finished = attempt.finished();
  }
  const dropped = finished !== false && (await finished);
  const server = rctx.serverUrl;
  if (!dropped) {
    if (server) rctx.triedServers?.add(server);
    return;
  }
  const tried = (rctx.triedServers ??= new Set<string>());
  if (server) tried.add(server);
  if (res.destroyed) return;
  plan.log.debug({ attempt: 2, server, waitMs: Math.round(wait) }, 'retrying request');
  if (wait > 0 && !(await sleep(wait, res))) return;
  await runAttempts(req, res, next, plan, [], { attempt: 2, started, base, backoff });
}
