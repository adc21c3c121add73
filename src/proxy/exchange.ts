import type { ClientRequest } from 'node:http';
import type { ForwardOutcome } from './forwarder.js';
import { statusFor, type ForwardError } from './upstream-errors.js';

/** The bookkeeping of one forward call: its outcome, its timers, and whether the server answered. */
export class Exchange {
  responded = false;
  timedOut = false;
  done = false;
  /** Sent a second time after a stale pooled connection; only once. */
  resent = false;
  proxyReq?: ClientRequest;
  private timer?: NodeJS.Timeout;
  private readonly resolve: (outcome: ForwardOutcome) => void;

  constructor(resolve: (outcome: ForwardOutcome) => void) {
    this.resolve = resolve;
  }

  /** Ends the exchange once; later calls are ignored so racing error paths cannot report twice. */
  settle(outcome: ForwardOutcome): void {
    if (this.done) return;
    this.done = true;
    this.clearTimer();
    this.resolve(outcome);
  }

  /** Ends the exchange with a failure kind and its status. */
  fail(error: ForwardError, status = statusFor(error)): void {
    this.settle({ status, error, responded: this.responded });
  }

  /**
   * Arms `responseHeaderTimeout` once the request is fully written, as Go's transport does; the
   * timeout is recorded here because http-proxy-3 would report it as a plain ECONNRESET.
   */
  armHeaderTimeout(proxyReq: ClientRequest, ms: number): void {
    if (ms <= 0) return;
    const arm = (): void => {
      if (this.responded || this.done) return;
      this.timer = setTimeout(() => {
        this.timedOut = true;
        proxyReq.destroy();
      }, ms);
      this.timer.unref();
    };
    if (proxyReq.writableFinished) arm();
    else proxyReq.once('finish', arm);
  }

  /** Stops the response-header timer (headers arrived, or the exchange ended). */
  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
