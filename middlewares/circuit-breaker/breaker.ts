import type { SlidingWindow } from './window.js';

/** closed: traffic flows and is measured; open: all traffic gets the fallback; recovering: traffic ramps back. */
export type BreakerState = 'closed' | 'open' | 'recovering';

/** Timings of a breaker, in milliseconds. */
export interface BreakerTimings {
  checkPeriodMs: number;
  fallbackMs: number;
  recoveryMs: number;
}

/**
 * The state machine of Traefik's breaker, evaluated lazily on requests (no timers to leak): the
 * condition is checked at most once per check period; tripping opens the breaker for the fallback
 * duration; then a linear ramp lets a growing share of requests through over the recovery duration,
 * tripping again if the condition holds.
 */
export class Breaker {
  state: BreakerState = 'closed';
  readonly window: SlidingWindow;
  readonly #condition: (window: SlidingWindow) => boolean;
  readonly #timings: BreakerTimings;
  readonly #now: () => number;
  #until = 0;
  #recoveringSince = 0;
  #lastCheck = -Infinity;
  #allowed = 0;
  #refused = 0;

  constructor(window: SlidingWindow, condition: (window: SlidingWindow) => boolean, timings: BreakerTimings, now: () => number = () => performance.now()) {
    this.window = window;
    this.#condition = condition;
    this.#timings = timings;
    this.#now = now;
  }

  /** True when this request may go to the service; false when it gets the fallback. */
  allow(): boolean {
    const now = this.#now();
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now < this.#until) return false;
      // The ramp starts when the fallback duration ended, not at the first request after it.
      this.state = 'recovering';
      this.#recoveringSince = this.#until;
      this.#until = this.#recoveringSince + this.#timings.recoveryMs;
      this.#allowed = 0;
      this.#refused = 0;
    }
    if (now >= this.#until) {
      this.state = 'closed';
      this.window.reset();
      return true;
    }
    const target = (now - this.#recoveringSince) / this.#timings.recoveryMs;
    const seen = this.#allowed + this.#refused;
    if (seen === 0 ? target > 0 : this.#allowed / seen < target) {
      this.#allowed++;
      return true;
    }
    this.#refused++;
    return false;
  }

  /** Records a finished request and re-checks the condition once per check period. */
  record(status: number, latencyMs: number): void {
    this.window.record(status, latencyMs);
    const now = this.#now();
    if (this.state === 'open' || now - this.#lastCheck < this.#timings.checkPeriodMs) return;
    this.#lastCheck = now;
    if (!this.#condition(this.window)) return;
    this.state = 'open';
    this.#until = now + this.#timings.fallbackMs;
    this.window.reset();
  }
}
