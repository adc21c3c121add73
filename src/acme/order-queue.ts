/** Limits for starting new ACME orders. */
export interface OrderQueueLimits {
  maxConcurrent: number;
  perMinute: number;
}

/** A queue that starts jobs in order within the limits (#3653: a batch of hosts must not trip CA rate limits). */
export interface OrderQueue {
  /** Runs `job` once a slot is free; resolves or rejects with its result. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs waiting and running. */
  pending(): { waiting: number; running: number };
  /** Rejects the waiting jobs and stops starting new ones. */
  close(): void;
}

const WINDOW_MS = 60_000;

/** Creates an order queue: at most `maxConcurrent` running and `perMinute` started in any minute. */
export function createOrderQueue(limits: OrderQueueLimits, now: () => number = Date.now): OrderQueue {
  const waiting: Array<{ start: () => void; fail: (e: Error) => void }> = [];
  const started: number[] = [];
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const pump = () => {
    if (timer || closed) return;
    while (waiting.length && running < limits.maxConcurrent) {
      const t = now();
      while (started.length && started[0]! <= t - WINDOW_MS) started.shift();
      if (started.length >= limits.perMinute) {
        timer = setTimeout(() => {
          timer = undefined;
          pump();
        }, started[0]! + WINDOW_MS - t + 1);
        timer.unref();
        return;
      }
      started.push(t);
      running++;
      waiting.shift()!.start();
    }
  };

  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('order queue closed'));
      return new Promise<T>((resolve, reject) => {
        waiting.push({
          start: () => {
            job()
              .then(resolve, reject)
              .finally(() => {
                running--;
                pump();
              });
          },
          fail: reject,
        });
        pump();
      });
    },
    pending: () => ({ waiting: waiting.length, running }),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of waiting.splice(0)) w.fail(new Error('order queue closed'));
    },
  };
}
