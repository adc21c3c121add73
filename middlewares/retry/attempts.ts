import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { getContext, setContext, type Handler, type RequestContext } from '../../src/http/context.js';
import type { Logger } from '../../src/log.js';
import { createReplayRequest } from '../../src/services/replay-request.js';
import { createDiscardSocket } from '../../src/services/sink-response.js';
import { captureResponse, type CapturedHead } from '../traffic-control/capture-response.js';

/** One retried request: everything the attempt loop needs. */
export interface AttemptPlan {
  req: IncomingMessage;
  res: ServerResponse;
  next: Handler;
  body: readonly Buffer[];
  attempts: number;
  timeoutMs: number;
  backoff: () => number;
  shouldRetry(head: CapturedHead): boolean;
  log: Logger;
}

function sleep(ms: number, res: ServerResponse): Promise<boolean> {
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
 * picks another one while it can.
 */
export async function runAttempts(plan: AttemptPlan): Promise<void> {
  const rctx = getContext(plan.req);
  const base: RequestContext = { ...rctx };
  const tried = (rctx.triedServers ??= new Set<string>());
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    // Decided before the attempt, because a retried attempt's answer is dropped as it arrives.
    const wait = plan.backoff();
    const last = attempt >= plan.attempts || (plan.timeoutMs > 0 && performance.now() + wait - started >= plan.timeoutMs);
    const actx: RequestContext = { ...base, attempt, triedServers: tried, serverUrl: undefined };
    const copy = createReplayRequest(plan.req, createDiscardSocket(plan.req.socket), plan.body);
    setContext(copy, actx);
    let retry = false;
    const capture = captureResponse(copy, plan.res, {
      onHead(head) {
        retry = !last && plan.shouldRetry(head);
        // The attempt the client sees is known now: logs and metrics read the context when the response ends.
        if (!retry) Object.assign(rctx, actx);
        return retry ? 'discard' : 'pass';
      },
    });
    await plan.next(copy, capture.res);
    await capture.ended;
    if (actx.serverUrl) tried.add(actx.serverUrl);
    Object.assign(rctx, actx);
    if (!retry || plan.res.destroyed) return;
    plan.log.debug({ attempt: attempt + 1, server: actx.serverUrl, waitMs: Math.round(wait) }, 'retrying request');
    if (wait > 0 && !(await sleep(wait, plan.res))) return;
  }
}
