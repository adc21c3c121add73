/** A one-slot buffer that forwards at most one value per interval, always the latest. */
export interface LatestWinsThrottle<T> {
  push(value: T): void;
  /** Drops any buffered value and stops the timer. */
  cancel(): void;
}

/**
 * Creates Traefik's aggregator throttle (§8.1): the first value goes out at once, then values arriving
 * within `intervalMs` of a forward only replace the buffered one, which goes out when the interval ends.
 * An interval of 0 forwards every value at once.
 */
export function createLatestWinsThrottle<T>(intervalMs: number, forward: (value: T) => void): LatestWinsThrottle<T> {
  let timer: NodeJS.Timeout | undefined;
  let buffered: { value: T } | undefined;

  const cool = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (!buffered) return;
      const { value } = buffered;
      buffered = undefined;
      send(value);
    }, intervalMs);
  };
  const send = (value: T) => {
    if (intervalMs > 0) cool();
    forward(value);
  };

  return {
    push(value) {
      if (timer) buffered = { value };
      else send(value);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      buffered = undefined;
    },
  };
}
