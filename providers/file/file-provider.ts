import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../src/log.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';
import { createChangeFeed, type ChangeFeed } from './change-feed.js';
import { combineFiles, type ParsedFile } from './combine-files.js';
import { isHiddenName, listConfigFiles } from './list-files.js';
import { createFileParser, type FileParser } from './parse-off-thread.js';
import { formatParseError } from './parse-file.js';

/** Resolved options of one file provider instance. */
export interface FileProviderOptions {
  /** Absolute path of the file (`filename` mode) or folder (`directory` mode). */
  path: string;
  mode: 'filename' | 'directory';
  watch: boolean;
  log: Logger;
  /** How long a burst of file events is merged into one re-read; 60 ms (the least the change feed takes) by default. */
  debounceMs?: number;
  /** How the file is named in errors and origins in `filename` mode; its base name by default. */
  displayName?: string;
  /** Files of at least this many characters are parsed on a thread of their own (parse-off-thread.ts). */
  offThreadChars?: number;
}

const EMPTY_RETRIES = 3;
const EMPTY_RETRY_MS = 50;

/**
 * Creates the file provider. Every file is parsed on its own and a file that stops parsing keeps its
 * last good content while its error is reported (Traefik drops the whole provider update, #10890).
 * Every change re-reads every file (simplest correct; the watcher drops unchanged snapshots), and
 * parses only those whose text changed.
 */
export function createFileProvider(options: FileProviderOptions): Provider {
  const { mode, log } = options;
  const root = mode === 'directory' ? options.path : path.dirname(options.path);
  const baseName = path.basename(options.path);
  const displayName = options.displayName ?? baseName;
  const lastGood = new Map<string, Record<string, unknown>>();
  // The text each good value was parsed from: a change to one file re-reads the others but does not
  // parse them again (a folder of many files, or a big file next to the one being edited).
  const parsedFrom = new Map<string, string>();
  const state: ProviderState = { connected: false };
  let folderGone = false;

  // Undefined when the folder cannot be listed.
  async function listNames(errors: string[]): Promise<string[] | undefined> {
    if (mode === 'filename') return [baseName];
    try {
      return await listConfigFiles(root);
    } catch (error) {
      errors.push(`${options.path}: ${(error as Error).message}`);
      return undefined;
    }
  }

  function forget(parser: FileParser, name: string): void {
    lastGood.delete(name);
    parsedFrom.delete(name);
    parser.forget(name);
  }

  async function readOne(parser: FileParser, name: string, errors: string[]): Promise<void> {
    const shown = mode === 'filename' ? displayName : name;
    let text: string;
    try {
      text = await readFile(path.join(root, name), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Deleted between listing and reading: the next event lists it as gone.
      if (code === 'ENOENT' && mode === 'directory') return forget(parser, name);
      errors.push(`${shown}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
      return;
    }
    // A file that had content and now reads empty is most likely being rewritten in place (truncate,
    // then write): look again shortly before taking "empty" as the new content, so a save never
    // applies a no-routes configuration for a moment.
    for (let retry = 0; text.trim() === '' && lastGood.has(name) && retry < EMPTY_RETRIES; retry++) {
      await new Promise((resolve) => setTimeout(resolve, EMPTY_RETRY_MS));
      text = await readFile(path.join(root, name), 'utf8').catch(() => '');
    }
    if (lastGood.has(name) && parsedFrom.get(name) === text) return;
    const parsed = await parser.parse(name, text);
    if (!parsed.ok) return void errors.push(formatParseError(shown, parsed));
    lastGood.set(name, parsed.value);
    parsedFrom.set(name, text);
  }

  async function read(parser: FileParser): Promise<ProviderSnapshot> {
    const errors: string[] = [];
    const listed = await listNames(errors);
    // Losing the folder (unmounted, permissions) keeps every file's last good content, like a parse error.
    const names = listed ?? [...lastGood.keys()].sort();
    if (listed) {
      for (const name of listed) await readOne(parser, name, errors);
      for (const name of [...lastGood.keys()]) {
        if (!listed.includes(name)) forget(parser, name);
      }
    }
    const files: ParsedFile[] = names.flatMap((name) => {
      const value = lastGood.get(name);
      return value ? [{ name: mode === 'filename' ? displayName : name, value }] : [];
    });
    folderGone = errors.length > 0 && !(await stat(root).then((info) => info.isDirectory(), () => false));
    const combined = combineFiles(files);
    errors.push(...combined.errors);
    state.connected = true;
    state.lastSnapshotAt = new Date().toISOString();
    state.lastError = errors.at(-1);
    for (const error of errors) log.warn({ provider: 'file' }, error);
    return { config: combined.config, errors, origins: combined.origins, ...(combined.origin !== undefined && { origin: combined.origin }) };
  }

  // chokidar cannot follow a watched folder that is removed and created again, so once a snapshot has
  // reported it the watch ends with an error and the configuration watcher restarts it with backoff.
  function failIfFolderGone(): void {
    if (folderGone) throw new Error(`${root}: the watched folder is gone; the last good configuration stays until it is back`);
  }

  // Filename mode watches the parent folder for the file's own name plus Kubernetes' `..data` entries;
  // directory mode ignores dot files and dot folders except those `..` entries.
  const relevant = (rel: string): boolean => {
    const segments = rel.split('/');
    if (mode === 'filename') return segments[0] === baseName || segments[0]!.startsWith('..');
    return segments.every((segment) => !isHiddenName(segment) || segment.startsWith('..'));
  };

  return {
    name: 'file',
    finite: !options.watch,
    state: () => ({ ...state }),
    async *watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
      let feed: ChangeFeed | undefined;
      const parser = createFileParser({ log, ...(options.offThreadChars !== undefined && { offThreadChars: options.offThreadChars }) });
      try {
        // The feed starts before the first read so a change made right after it is never missed.
        if (options.watch && !signal.aborted) {
          feed = await createChangeFeed({ root, relevant, debounceMs: options.debounceMs ?? 60, log, signal });
        }
        if (signal.aborted) return;
        yield await read(parser);
        if (!feed) return;
        failIfFolderGone();
        while (await feed.next()) {
          yield await read(parser);
          failIfFolderGone();
        }
      } finally {
        await feed?.close();
        await parser.close();
      }
    },
  };
}
