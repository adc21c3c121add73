import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../../src/log.js';

// A burst is cut after ten debounce periods, so a folder that never stops changing still reloads.
const MAX_BURST_FACTOR = 10;
// Chokidar drops a file's "change" for 50 ms after the one it reported (no trailing event), so a save
// in that window is seen only by a read that starts after it: the signal never comes sooner than this.
const MIN_DEBOUNCE_MS = 60;

/** A debounced "something changed" signal over a watched folder. */
export interface ChangeFeed {
  /** Resolves true after the next (debounced) change, or false once the signal aborts or the feed closes. */
  next(): Promise<boolean>;
  close(): Promise<void>;
}

/** Options of a change feed: which folder, which entries in it matter, and how long bursts are merged. */
export interface ChangeFeedOptions {
  root: string;
  /** Decides from the path relative to root (`/`-separated, never empty) whether an event counts. */
  relevant(relPath: string): boolean;
  /** Raised to 60 ms when lower (see MIN_DEBOUNCE_MS). */
  debounceMs: number;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Starts watching and resolves once chokidar is ready, so no change after this call is missed.
 * Chokidar watches the folder (never a single file) so that atomic renames (editors, Docker bind
 * mounts, #5589) and Kubernetes `..data` symlink swaps are seen; symlinks are followed. Native
 * notifications (inotify/FSEvents) are used, not polling, which costs a stat per file per interval and
 * only helps on filesystems without notifications (NFS, some VM shares): there, chokidar's own
 * `CHOKIDAR_USEPOLLING=1` environment variable switches it on.
 */
export async function createChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  const { root, relevant, log, signal } = options;
  const debounceMs = Math.max(options.debounceMs, MIN_DEBOUNCE_MS);
  let pending = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: true,
    // atomic folds an editor's unlink+add of the same path into one change.
    atomic: true,
    ignored: (p: string) => {
      const rel = toRel(root, p);
      return rel !== '' && !relevant(rel);
    },
  });
  let burstStartedAt = 0;
  watcher.on('all', (event, p) => {
    log.debug({ event, path: toRel(root, p) }, 'file provider: change seen');
    const now = Date.now();
    if (!timer) burstStartedAt = now;
    else if (now - burstStartedAt >= debounceMs * MAX_BURST_FACTOR) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      pending = true;
      notify();
    }, debounceMs);
  });
  watcher.on('error', (error) => log.warn({ err: error }, 'file provider: watch error'));
  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    notify();
    await watcher.close();
  };
  const onAbort = () => void close();
  signal.addEventListener('abort', onAbort, { once: true });
  // An abort while chokidar is still scanning closes it, and a closed watcher never becomes ready.
  await new Promise<void>((resolve) => {
    watcher.once('ready', resolve);
    signal.addEventListener('abort', () => resolve(), { once: true });
    if (signal.aborted) resolve();
  });
  return {
    async next() {
      while (!closed && !pending && !signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
      if (closed || signal.aborted) return false;
      pending = false;
      return true;
    },
    close,
  };
}

function toRel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}
