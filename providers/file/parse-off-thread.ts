import { Worker } from 'node:worker_threads';
import type { Logger } from '../../src/log.js';
import { deepFreeze } from '../../src/provider/deep-freeze.js';
import { configFormat, parseConfigFile, type ParseResult } from './parse-file.js';
import type { ParseAnswer, ParseRequest } from './parse-thread-loop.js';
import { applyPatch } from './value-patch.js';

/**
 * YAML texts at least this long (about 2,000 routers) are parsed on a thread of their own. Below it
 * parsing takes a few milliseconds and a thread would only add its memory (about 10 MB). JSON parses
 * ten times faster than YAML; TOML stays too, since its dates would arrive as plain Dates.
 */
export const OFF_THREAD_CHARS = 128 * 1024;
const YOUNG_GENERATION_MB = 16;

/** Parses configuration files, the big ones off the thread that serves requests. */
export interface FileParser {
  /** Parses a file's text; a value is deep-frozen and shares the unchanged parts of the file's previous value. */
  parse(name: string, text: string): Promise<ParseResult>;
  /** Forgets a file that is no longer read (the thread keeps each file's last value to answer with changes). */
  forget(name: string): void;
  /** Starts the thread if it is not started; true once it takes parses, false if it failed. */
  ready(): Promise<boolean>;
  /** How many parses the thread has answered. */
  parsedOnThread(): number;
  /** Stops the thread, if one was started; later parses run where they are called. */
  close(): Promise<void>;
}

export interface FileParserOptions {
  log: Logger;
  /** YAML texts at least this long go to the thread; OFF_THREAD_CHARS by default. */
  offThreadChars?: number;
  /** The thread's entry point; parse-thread.js beside this file by default (tests start broken ones). */
  threadEntry?: URL;
}

interface Held {
  id: number;
  value: unknown;
}

interface Pending {
  resolve: (result: ParseResult) => void;
  name: string;
  text: string;
  /** The file's value the thread may answer with changes to. */
  base: Held | undefined;
}

// Values are shared from one parse of a file to the next, so none may change: frozen, and marked so the
// configuration watcher takes them as they are instead of copying them.
function frozenResult(result: ParseResult): ParseResult {
  if (result.ok) deepFreeze(result.value);
  return result;
}

const parseHere = (name: string, text: string): ParseResult => frozenResult(parseConfigFile(name, text));

/**
 * Creates a parser that answers what parseConfigFile answers (equal values, keys in the same order). A file
 * provider re-reads a changed file whole, and for a file of 10,000 routers the YAML parse took 35–80 ms of
 * the serving thread per reload; on the parsing thread it costs the serving thread only what changed: the
 * thread answers a file it parsed before with how the new value differs from the previous one
 * (value-patch.ts), and the value is rebuilt here around the previous one's unchanged objects. (So YAML
 * aliases shared between an unchanged and a changed element are no longer one object; values are frozen,
 * so that shows only as identity.) The first big file starts the thread and is parsed here meanwhile (loading the
 * parsers there takes longer than the parse: the first configuration is not delayed); later ones go
 * to the thread once it is ready. The thread holds the process only while a parse is pending. If it
 * fails, every pending and later parse runs here, so no reload is lost.
 */
export function createFileParser(options: FileParserOptions): FileParser {
  const limit = options.offThreadChars ?? OFF_THREAD_CHARS;
  const pending = new Map<number, Pending>();
  // Per file, the last value the thread answered, which the next request names as its base.
  const held = new Map<string, Held>();
  let worker: Worker | undefined;
  let started: Promise<boolean> | undefined;
  let isReady = false;
  let failed = false;
  let closed = false;
  let nextId = 0;
  let answered = 0;

  function settleHere(): void {
    for (const { resolve, name, text } of pending.values()) resolve(parseHere(name, text));
    pending.clear();
    held.clear();
  }

  function start(): Promise<boolean> {
    // No flags of this process: the entry point loads what the thread needs. A small young generation:
    // uncapped, the thread kept 50–90 MB more resident at 10,000 routers; at 16 MB about none.
    const thread = new Worker(options.threadEntry ?? new URL('./parse-thread.js', import.meta.url), {
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    worker = thread;
    return new Promise<boolean>((resolve) => {
      const fail = (message: string): void => {
        resolve(false);
        if (closed || failed) return;
        failed = true;
        isReady = false;
        worker = undefined;
        options.log.warn({ provider: 'file' }, `the file parsing thread stopped (${message}); files are parsed on the main thread from now on`);
        settleHere();
      };
      thread.on('message', (answer: ParseAnswer) => {
        if ('ready' in answer) {
          isReady = !closed && !failed;
          if (isReady) options.log.info({ provider: 'file' }, `YAML files of ${limit} characters or more are parsed on a thread of their own`);
          return resolve(isReady);
        }
        const waiting = pending.get(answer.id);
        if (!waiting) return;
        pending.delete(answer.id);
        if (pending.size === 0) thread.unref();
        waiting.resolve(received(waiting, answer));
      });
      thread.on('error', (error) => fail(error.message));
      thread.on('exit', (code) => fail(`exit code ${code}`));
      // After the listeners: adding a 'message' listener holds the thread's port again.
      thread.unref();
    });
  }

  // The thread's answer as a result: a patch is applied to the value the request named as its base.
  function received(waiting: Pending, answer: Extract<ParseAnswer, { id: number }>): ParseResult {
    let result = answer.result;
    if (answer.patch !== undefined && waiting.base !== undefined) {
      try {
        result = { ok: true, value: applyPatch(waiting.base.value, answer.patch) as Record<string, unknown> };
      } catch (error) {
        options.log.warn({ provider: 'file', err: error }, `${waiting.name}: the parsing thread's changes did not apply; parsed here instead`);
        result = undefined;
      }
    }
    if (result === undefined) return parseHere(waiting.name, waiting.text);
    answered++;
    if (result.ok) held.set(waiting.name, { id: answer.id, value: result.value });
    return frozenResult(result);
  }

  const begin = (): Promise<boolean> => (closed || failed ? Promise.resolve(false) : (started ??= start()));

  return {
    parse(name, text) {
      if (text.length < limit || configFormat(name) !== 'yaml') return Promise.resolve(parseHere(name, text));
      if (!isReady || !worker) {
        void begin();
        return Promise.resolve(parseHere(name, text));
      }
      // Held while a parse is pending, so a one-off read (validate, a finite provider) gets its answer.
      worker.ref();
      const id = nextId++;
      const thread = worker;
      const base = held.get(name);
      return new Promise((resolve) => {
        pending.set(id, { resolve, name, text, base });
        thread.postMessage({ id, name, text, ...(base !== undefined && { base: base.id }) } satisfies ParseRequest);
      });
    },
    forget(name) {
      held.delete(name);
      worker?.postMessage({ drop: name } satisfies ParseRequest);
    },
    async ready() {
      // Whoever waits for the thread holds the process until it answers.
      const starting = begin();
      worker?.ref();
      const answer = await starting;
      if (pending.size === 0) worker?.unref();
      return answer;
    },
    parsedOnThread: () => answered,
    async close() {
      closed = true;
      isReady = false;
      settleHere();
      const stopping = worker;
      worker = undefined;
      await stopping?.terminate();
    },
  };
}
