import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'async'; flavor: 'last-resort' }) => Promise<void> | void;

let collect: Collect | null | undefined;

/**
 * V8's own collector, reached without `--expose-gc`: the flag is set for the time it takes to read `gc`
 * from a new context, then cleared (a process started with the flag keeps its own `gc`). Null when this V8
 * does not offer it.
 */
function collector(): Collect | null {
  if (collect !== undefined) return collect;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collect = exposed as Collect);
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('typeof gc === "function" ? gc : null') as Collect | null;
  } catch {
    collect = null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

/**
 * Gives the memory the heap no longer uses back to the system: V8's "last resort" collection, which also
 * shrinks the young generation and unmaps the pages V8 keeps pooled. V8 keeps every page a burst freed (a
 * reload builds a whole routing table; a parse builds a whole file) for reuse, and releases them only from a
 * memory-reducing collection. Its memory reducer starts one only once the allocation rate has been low for a
 * while: a gateway left idle from its start got one after about 50 s, one that kept serving while it
 * reloaded still held its peak a minute after (docs/benchmarks.md, session 13). The collection stops this
 * thread for two full collections of the live heap (the second finds what the first freed). Resolves false
 * when the collector is not available.
 */
export async function releaseMemory(): Promise<boolean> {
  const gc = collector();
  if (!gc) return false;
  await gc({ type: 'major', execution: 'async', flavor: 'last-resort' });
  return true;
}

/** What one release did, for the log. */
export interface Released {
  /** Resident memory before and after, bytes. */
  rssBefore: number;
  rssAfter: number;
  /** From the request to the end of the collection. */
  ms: number;
}

export interface ReleaseScheduleOptions {
  /** Quiet time after the last change before memory is released; 0 never releases. */
  delayMs: number;
  /** While changes keep coming, the longest a release waits after the first of them (6 × delayMs by default). */
  maxWaitMs?: number;
  /** What releases (releaseMemory; tests count calls). */
  release?: () => Promise<boolean>;
  onReleased?: (released: Released) => void;
}

export interface ReleaseSchedule {
  /** Something allocated a burst (a configuration was put in service): release once things are quiet. */
  changed(): void;
  /** Cancels a pending release. */
  close(): void;
}

/**
 * Releases memory `delayMs` after the last change, or `maxWaitMs` after the first one not yet followed by a
 * release when changes never pause. Timers never hold the process open.
 */
export function scheduleRelease(options: ReleaseScheduleOptions): ReleaseSchedule {
  const { delayMs } = options;
  const maxWaitMs = options.maxWaitMs ?? delayMs * 6;
  const release = options.release ?? releaseMemory;
  let timer: NodeJS.Timeout | undefined;
  let firstChange: number | undefined;
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    timer = undefined;
    firstChange = undefined;
    if (running) return void (again = true);
    running = true;
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    try {
      if (await release()) options.onReleased?.({ rssBefore, rssAfter: process.memoryUsage.rss(), ms: performance.now() - started });
    } catch {
      // Nothing was released; the next change tries again.
    } finally {
      running = false;
      if (again) {
        again = false;
        arm(Date.now());
      }
    }
  };
  const arm = (now: number): void => {
    firstChange ??= now;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), Math.max(0, Math.min(delayMs, firstChange + maxWaitMs - now)));
    timer.unref();
  };
  return {
    changed() {
      if (delayMs > 0) arm(Date.now());
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      again = false;
    },
  };
}
