/** A "something changed" flag that gathers bursts and carries a connection loss to the reader. */
export interface ChangeSignal {
  notify(): void;
  fail(error: Error): void;
  /** Resolves true after a change and its debounce window, false when the signal aborts; rejects after fail. */
  next(signal: AbortSignal): Promise<boolean>;
  close(): void;
}

/** Creates a change signal whose reader waits `debounceMs` after the first change of a burst. */
export function createChangeSignal(debounceMs: number): ChangeSignal {
  let pending = false;
  let failure: Error | undefined;
  // Changes wake a reader waiting for one; failures and aborts also cut a debounce window short.
  let wakeOnChange: (() => void) | undefined;
  let wakeOnStop: (() => void) | undefined;
  const stop = () => {
    const waiters = [wakeOnChange, wakeOnStop];
    wakeOnChange = wakeOnStop = undefined;
    for (const waiter of waiters) waiter?.();
  };
  return {
    notify() {
      pending = true;
      const waiter = wakeOnChange;
      wakeOnChange = undefined;
      waiter?.();
    },
    fail(error) {
      failure ??= error;
      stop();
    },
    async next(signal) {
      signal.addEventListener('abort', stop);
      try {
        while (!pending && !failure && !signal.aborted) await new Promise<void>((resolve) => (wakeOnChange = resolve));
        if (failure) throw failure;
        if (signal.aborted) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, debounceMs);
          wakeOnStop = () => (clearTimeout(timer), resolve());
        });
        wakeOnStop = undefined;
        if (failure) throw failure;
        pending = false;
        return !signal.aborted;
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
    close() {
      failure ??= new Error('closed');
      stop();
    },
  };
}
