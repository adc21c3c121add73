import type { Logger } from '../../src/log.js';
import type { RetryDecision } from './direct-attempt.js';

/** What one retry middleware decided at configuration time; shared by all its requests. */
export interface RetryPlan {
  /** How many times a request is sent at most, the first try included (at least 2 here). */
  attempts: number;
  /** No attempt starts when its wait would end this long after the first began; 0: no limit. */
  timeoutMs: number;
  /** The waits of one request, in order (a fresh sequence per request: the interval grows per attempt). */
  backoff(): () => number;
  /** Whether an attempt whose head has this status (or is the gateway's answer to a failed exchange) is sent again. */
  shouldRetry: RetryDecision;
  /** Largest request body kept to be replayed; negative: no limit. */
  maxBody: number;
  log: Logger;
}
