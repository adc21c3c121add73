import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * A body kept in memory up to `memLimit` bytes and in a private temporary file beyond it (Traefik's
 * buffering spills to disk the same way), refusing to grow past `maxLimit` (0 or less: no limit).
 */
export class SpillBuffer {
  size = 0;
  /** Set once a write would pass `maxLimit`; nothing more is kept. */
  overflow = false;
  readonly #memLimit: number;
  readonly #maxLimit: number;
  #chunks: Buffer[] = [];
  #file: { path: string; stream: WriteStream; error?: Error } | undefined;

  constructor(memLimit: number, maxLimit: number) {
    this.#memLimit = memLimit;
    this.#maxLimit = maxLimit;
  }

  /** Adds a chunk; returns false once the body is over the limit. */
  write(chunk: Buffer): boolean {
    if (this.overflow) return false;
    if (this.#maxLimit > 0 && this.size + chunk.length > this.#maxLimit) {
      this.overflow = true;
      return false;
    }
    this.size += chunk.length;
    if (this.#file) this.#file.stream.write(chunk);
    else if (this.size <= this.#memLimit) this.#chunks.push(chunk);
    else {
      const file = path.join(os.tmpdir(), `switchyard-buffer-${randomUUID()}`);
      const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
      this.#file = { path: file, stream };
      stream.on('error', (error) => (this.#file!.error = error));
      for (const c of this.#chunks) stream.write(c);
      stream.write(chunk);
      this.#chunks = [];
    }
    return true;
  }

  /** True when the body went to a file. */
  get spilled(): boolean {
    return this.#file !== undefined;
  }

  /** Finishes writing; rejects when the temporary file could not be written. */
  async seal(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    if (!file.stream.writableFinished) await new Promise<void>((resolve) => file.stream.end(resolve));
    if (file.error) throw file.error;
  }

  /** The in-memory chunks (empty when spilled). */
  chunks(): readonly Buffer[] {
    return this.#chunks;
  }

  /** A fresh stream of the whole body; may be called once per replay. */
  reader(): Readable {
    return this.#file ? createReadStream(this.#file.path) : Readable.from(this.#chunks);
  }

  /** Removes the temporary file, if any. */
  async dispose(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    this.#chunks = [];
    if (!file) return;
    file.stream.destroy();
    await rm(file.path, { force: true });
  }
}
