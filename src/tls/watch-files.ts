import { watch } from 'chokidar';

/** A watch over certificate files. */
export interface FileWatch {
  /** The watched paths, joined: equal keys need no new watch. */
  key: string;
  close(): Promise<void>;
}

/**
 * Calls `changed` (coalesced over 100 ms) when any of the files is written, replaced or removed,
 * so a renewed certificate is served without a restart. Directories are not watched recursively.
 */
export function watchFiles(files: string[], changed: () => void): FileWatch {
  const watcher = watch(files, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(changed, 100);
  };
  watcher.on('add', fire).on('change', fire).on('unlink', fire).on('error', () => undefined);
  return {
    key: files.join('\n'),
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
