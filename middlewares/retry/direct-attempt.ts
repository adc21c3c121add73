import type { ServerResponse } from 'node:http';
import { hasProbe, priorHeaders, removeProbe, setProbe, type HeaderPair } from './probe.js';
import { detachAttemptListeners, listenerMarks, type DroppedEnd, type ListenerMarks } from './attempt-listeners.js';

/** Decides at the response head whether the attempt is dropped and sent again. */
export type RetryDecision = (status: number, networkError: boolean) => boolean;

type Method = (...args: unknown[]) => unknown;

const UNDECIDED = 0;
const PASS = 1;
const DISCARD = 2;

/**
 * The response methods an attempt can reach. All five are replaced before the downstream runs, so a
 * middleware after retry that wraps them (compress, errors, timeout) wraps these and, once the attempt is
 * dropped, cannot reach the client through a reference it kept.
 */
interface Saved {
  writeHead: Method;
  write: Method;
  end: Method;
  flushHeaders: Method;
  destroy: Method;
}

/** One first attempt written straight to the client's response until its head shows it is to be retried. */
class DirectAttempt {
  mode = UNDECIDED;
  readonly res: ServerResponse;
  readonly saved: Saved;
  /** This attempt's replacements, to tell them from a wrapper a middleware after retry put over them. */
  readonly own: Saved;
  /** The response's headers before the attempt (set by middlewares in front of retry), when it had any. */
  readonly prior: HeaderPair[] | undefined;
  readonly marks: ListenerMarks;
  decide: RetryDecision;
  /** Settles when a dropped attempt ended or was destroyed; made only once an attempt is dropped. */
  dropped: Promise<void> | undefined;
  finishDropped: ((how: DroppedEnd) => void) | undefined;

  constructor(res: ServerResponse, decide: RetryDecision) {
    this.res = res;
    this.decide = decide;
    const r = res as unknown as Saved;
    this.saved = { writeHead: r.writeHead, write: r.write, end: r.end, flushHeaders: r.flushHeaders, destroy: r.destroy };
    this.prior = priorHeaders(res);
    this.marks = listenerMarks(res);
    setProbe(res);
    const self = this;
    this.own = {
      writeHead(status: unknown, reason?: unknown, headers?: unknown) {
        return self.head(status as number, reason, headers);
      },
      write(chunk: unknown, encoding?: unknown, cb?: unknown) {
        if (self.mode === UNDECIDED) res.writeHead(res.statusCode);
        if (self.mode === DISCARD) return self.swallow(typeof encoding === 'function' ? encoding : cb);
        return self.saved.write.call(res, chunk, encoding, cb);
      },
      end(chunk?: unknown, encoding?: unknown, cb?: unknown) {
        // As Node's implicit head, but explicit: the head is decided before a body byte could reach the client.
        if (self.mode === UNDECIDED) res.writeHead(res.statusCode);
        if (self.mode !== DISCARD) return self.saved.end.call(res, chunk, encoding, cb);
        const callback = [chunk, encoding, cb].find((v) => typeof v === 'function');
        if (typeof callback === 'function') process.nextTick(callback as () => void);
        self.finishDropped?.('ended');
        return res;
      },
      flushHeaders() {
        if (self.mode === UNDECIDED) res.writeHead(res.statusCode);
        if (self.mode === PASS) self.saved.flushHeaders.call(res);
      },
      destroy(error?: unknown) {
        // A dropped attempt broken mid-body must not break the client's response (the next attempt answers it).
        if (self.mode !== DISCARD) return self.saved.destroy.call(res, error);
        self.finishDropped?.('destroyed');
        return res;
      },
    };
    r.writeHead = this.own.writeHead;
    r.write = this.own.write;
    r.end = this.own.end;
    r.flushHeaders = this.own.flushHeaders;
    r.destroy = this.own.destroy;
  }

  head(status: number, reason: unknown, headers: unknown): unknown {
    const { res } = this;
    if (this.mode === DISCARD) return res;
    if (this.mode === UNDECIDED) {
      const networkError = (status === 502 || status === 504) && !hasProbe(res);
      if (this.decide(status, networkError)) {
        this.drop();
        return res;
      }
      this.mode = PASS;
      this.unwrap();
      if (networkError) {
        // sendGatewayError cleared the headers middlewares in front of retry had set; the client still gets them.
        if (this.prior) for (const [name, value] of this.prior) res.setHeader(name, value);
      } else removeProbe(res);
    }
    if (res.headersSent) return res;
    return this.saved.writeHead.call(res, status, reason, headers);
  }

  swallow(cb: unknown): true {
    if (typeof cb === 'function') process.nextTick(cb as () => void);
    return true;
  }

  drop(): void {
    this.mode = DISCARD;
    this.dropped = new Promise((resolve) => {
      let settled = false;
      this.finishDropped = (how) => {
        if (settled) return;
        settled = true;
        this.res.off('close', onClose);
        if (how === 'closed') {
          // Node has just called every 'close' listener, the attempt's too (the forwarder aborts it on this event).
          resolve();
          return;
        }
        // One turn later, as a response's own 'finish' comes after end(): a wrapper may add its listener after calling end.
        process.nextTick(() => {
          detachAttemptListeners(this.res, this.marks, how);
          resolve();
        });
      };
      const onClose = (): void => this.finishDropped?.('closed');
      this.res.once('close', onClose);
    });
  }

  /**
   * Once the head is kept, the response's own methods go back wherever this attempt's are still in place,
   * so the body is written without a detour. A wrapper a middleware after retry put over one stays: it
   * still calls this attempt's method, which now passes straight through.
   */
  unwrap(): void {
    const r = this.res as unknown as Saved;
    const { own, saved } = this;
    if (r.writeHead === own.writeHead) r.writeHead = saved.writeHead;
    if (r.write === own.write) r.write = saved.write;
    if (r.end === own.end) r.end = saved.end;
    if (r.flushHeaders === own.flushHeaders) r.flushHeaders = saved.flushHeaders;
    if (r.destroy === own.destroy) r.destroy = saved.destroy;
  }

  /** Puts back the methods the response had before the attempt, dropping any wrapper the attempt's middlewares added. */
  restoreMethods(): void {
    const r = this.res as unknown as Saved;
    const { saved } = this;
    r.writeHead = saved.writeHead;
    r.write = saved.write;
    r.end = saved.end;
    r.flushHeaders = saved.flushHeaders;
    r.destroy = saved.destroy;
  }

  /** Puts the response back as it was before a dropped attempt: methods, headers (no probe). */
  reset(): void {
    const { res } = this;
    this.restoreMethods();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    if (this.prior) for (const [name, value] of this.prior) res.setHeader(name, value);
  }
}

/** Never retries: the decision once no further attempt is allowed. */
export const never: RetryDecision = () => false;

/** The first attempt as its caller sees it: started before the downstream runs, told when the downstream returned. */
export interface DirectAttemptHandle {
  /**
   * Call once the downstream's promise settled. Resolves true when the attempt was dropped: its leftovers
   * are released and the response is as it was before the attempt, ready for another one.
   */
  finished(): Promise<boolean> | false;
}

/**
 * Starts one attempt on the client's own request and response: nothing is copied. Every method that
 * could write goes through the attempt until the head is written; there `decide` sees the status and
 * whether the gateway itself answered a failed exchange. A head that is kept is written to the client
 * and the methods are put back, so the body streams as on a router without retry. A head that is
 * retried is never written: the rest of the attempt is swallowed, the listeners it left on the response
 * are released as the attempt's own response would have released them, and the response is put back as
 * it was. Not an async function: the common case, a kept head, adds no promise of its own.
 */
export function startDirectAttempt(res: ServerResponse, decide: RetryDecision): DirectAttemptHandle {
  const attempt = new DirectAttempt(res, decide);
  return {
    finished() {
      // The downstream returned before any head (it answers later, or the client left): no retry can follow
      // any more, so a head that still comes is written as it is.
      if (attempt.mode === UNDECIDED) attempt.decide = never;
      if (attempt.mode !== DISCARD) return false;
      return attempt.dropped!.then(() => {
        attempt.reset();
        return true;
      });
    },
  };
}
