import { Worker } from 'node:worker_threads';
import type { Logger } from '../../src/log.js';
import { configFormat, parseConfigFile, type ParseResult } from './parse-file.js';
import type { ParseAnswer, ParseRequest } from './parse-thread-loop.js';

/**
 * YAML texts at least this long (about 2,000 routers) are parsed on a thread of their own. Below it
 * parsing takes a few milliseconds and a thread would only add its memory (about 10 MB). JSON parses
 * ten times faster than YAML; TOML stays too, since its dates would arrive as plain Dates.
 */
export const OFF_THREAD_CHARS = 128 * 1024;
const YOUNG_GENERATION_MB = 16;

/** Parses configuration files, the big ones off the thread that serves requests. */
export interface FileParser {
  parse(name: string, text: string): Promise<ParseResult>;
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

interface Pending {
  resolve: (result: ParseResult) => void;
  name: string;
  text: string;
}

/**
 * Creates a parser that answers exactly what parseConfigFile answers. A file provider re-reads a
 * changed file whole, and for a file of 10,000 routers the YAML parse took 35–80 ms of the serving
 * thread per reload; on the parsing thread it costs the serving thread only the copy of the result
 * (about 6 ms). The first big file starts the thread and is parsed here meanwhile (loading the
 * parsers there takes longer than the parse: the first configuration is not delayed); later ones go
 * to the thread once it is ready. The thread holds the process only while a parse is pending. If it
 * fails, every pending and later parse runs here, so no reload is lost.
 */
export function createFileParser(options: FileParserOptions): FileParser {
  const limit = options.offThreadChars ?? OFF_THREAD_CHARS;
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let started: Promise<boolean> | undefined;
  let isReady = false;
  let failed = false;
  let closed = false;
  let nextId = 0;
  let answered = 0;

  function settleHere(): void {
    for (const { resolve, name, text } of pending.values()) resolve(parseConfigFile(name, text));
    pending.clear();
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
        if (answer.result) answered++;
        waiting.resolve(answer.result ?? parseConfigFile(waiting.name, waiting.text));
      });
      thread.on('error', (error) => fail(error.message));
      thread.on('exit', (code) => fail(`exit code ${code}`));
      // After the listeners: adding a 'message' listener holds the thread's port again.
      thread.unref();
    });
  }

  const begin = (): Promise<boolean> => (closed || failed ? Promise.resolve(false) : (started ??= start()));

  return {
    parse(name, text) {
      if (text.length < limit || configFormat(name) !== 'yaml') return Promise.resolve(parseConfigFile(name, text));
      if (!isReady || !worker) {
        void begin();
        return Promise.resolve(parseConfigFile(name, text));
      }
      // Held while a parse is pending, so a one-off read (validate, a finite provider) gets its answer.
      worker.ref();
      const id = nextId++;
      const thread = worker;
      return new Promise((resolve) => {
        pending.set(id, { resolve, name, text });
        thread.postMessage({ id, name, text } satisfies ParseRequest);
      });
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
