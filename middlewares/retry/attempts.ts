import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { getContext, setContext, type Handler, type RequestContext } from '../../src/http/context.js';
import { createReplayRequest } from '../../src/services/replay-request.js';
import { createDiscardSocket } from '../../src/services/sink-response.js';
import { captureResponse } from '../traffic-control/capture-response.js';
import type { RetryPlan } from './plan.js';

/** Where the attempt loop starts: at the first attempt, or after a first attempt that was already made and dropped. */
export interface AttemptsFrom {
  attempt: number;
  /** performance.now() when the first attempt began (the `timeout` option counts from there). */
  started: number;
  /** The request context as it was before the first attempt. */
  base: RequestContext;
  /** This request's sequence of waits, already advanced past the attempts made. */
  backoff: () => number;
}

/** Waits `ms`; false when the client went away meanwhile. */
export function sleep(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      res.off('close', gone);
      resolve(alive);
    };
    const gone = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    res.once('close', gone);
  });
}

/**
 * Sends fresh copies of the request until one is not to be retried or attempts run out. Each attempt
 * gets its own request (replayed body, pristine headers and path) and a captured response; the client
 * only ever sees the attempt that is kept. Failed servers go into `triedServers`, so a load balancer
 * picks another one while it can. `req` must hold the client's original headers and URL.
 */
export async function runAttempts(req: IncomingMessage, res: ServerResponse, next: Handler, plan: RetryPlan, body: readonly Buffer[], from: AttemptsFrom): Promise<void> {
  const rctx = getContext(req);
  const tried = (rctx.triedServers ??= new Set<string>());
  for (let attempt = from.attempt; ; attempt++) {
    // Decided before the attempt, because a retried attempt's answer is dropped as it arrives.
    const wait = from.backoff();
    const last = attempt >= plan.attempts || (plan.timeoutMs > 0 && performance.now() + wait - from.started >= plan.timeoutMs);
    const actx: RequestContext = { ...from.base, attempt, triedServers: tried, serverUrl: undefined };
    const copy = createReplayRequest(req, createDiscardSocket(req.socket), body);
    setContext(copy, actx);
    let retry = false;
    const capture = captureResponse(copy, res, {
      onHead(head) {
        retry = !last && plan.shouldRetry(head.status, head.networkError);
        // The attempt the client sees is known now: logs and metrics read the context when the response ends.
        if (!retry) Object.assign(rctx, actx);
        return retry ? 'discard' : 'pass';
      },
    });
    await next(copy, capture.res);
    await capture.ended;
    if (actx.serverUrl) tried.add(actx.serverUrl);
    Object.assign(rctx, actx);
    if (!retry || res.destroyed) return;
    plan.log.debug({ attempt: attempt + 1, server: actx.serverUrl, waitMs: Math.round(wait) }, 'retrying request');
    if (wait > 0 && !(await sleep(wait, res))) return;
  }
}
