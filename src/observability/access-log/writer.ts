import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Logger } from '../../log.js';

/** Where access log lines go: a file (reopened on demand, for logrotate) or stdout. */
export interface LineWriter {
  write(line: string): void;
  /** Closes and reopens the file at the same path (after logrotate renamed it); stdout: nothing. */
  reopen(): Promise<void>;
  /** Flushes buffered lines and closes the file. */
  close(): Promise<void>;
}

/** Options: the file (stdout when absent), how many lines to hold before writing (0: write each at once). */
export interface LineWriterOptions {
  filePath?: string;
  bufferingSize: number;
  log: Logger;
  /** Longest a buffered line waits (ms). */
  flushIntervalMs?: number;
}

/** Creates the writer; the file's folder is created when missing, and lines are appended. */
export function createLineWriter(options: LineWriterOptions): LineWriter {
  const { filePath, bufferingSize, log } = options;
  let reported = false;
  const open = (): WriteStream | undefined => {
    if (!filePath) return undefined;
    mkdirSync(path.dirname(filePath), { recursive: true });
    const stream = createWriteStream(filePath, { flags: 'a', mode: 0o664 });
    // One line in the process log, not one per request, when the disk or the path is broken.
    stream.on('error', (err) => {
      if (!reported) log.error({ err, filePath }, 'access log: cannot write the file');
      reported = true;
    });
    return stream;
  };
  let stream = open();
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const emit = (text: string): void => {
    if (stream) stream.write(text);
    else process.stdout.write(text);
  };
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    emit(pending.join(''));
    pending = [];
  };
  const end = async (target: WriteStream | undefined): Promise<void> => {
    if (!target || target.destroyed) return;
    target.end();
    await once(target, 'close').catch(() => undefined);
  };

  return {
    write(line) {
      if (closed) return;
      if (bufferingSize <= 0) return emit(line);
      pending.push(line);
      if (pending.length >= bufferingSize) return flush();
      timer ??= setTimeout(flush, options.flushIntervalMs ?? 1000).unref();
    },
    async reopen() {
      if (!filePath) return;
      flush();
      const previous = stream;
      stream = open();
      reported = false;
      await end(previous);
    },
    async close() {
      flush();
      closed = true;
      const previous = stream;
      stream = undefined;
      await end(previous);
    },
  };
}
