import { parentPort } from 'node:worker_threads';
import { parseConfigFile, type ParseResult } from './parse-file.js';

/** A request to the parsing thread. */
export interface ParseRequest {
  id: number;
  name: string;
  text: string;
}
/** What the parsing thread posts: `ready` once, then one answer per request (`result` absent: parse it where you are). */
export type ParseAnswer = { ready: true } | { id: number; result?: ParseResult };

// Answers every request with what parseConfigFile answers on the main thread; a result that cannot be
// copied to it (no parser returns one today) is left to the main thread rather than lost.
parentPort!.on('message', ({ id, name, text }: ParseRequest) => {
  const result = parseConfigFile(name, text);
  try {
    parentPort!.postMessage({ id, result } satisfies ParseAnswer);
  } catch {
    parentPort!.postMessage({ id } satisfies ParseAnswer);
  }
});
// The parsers are loaded: from now on a request is answered without waiting for them.
parentPort!.postMessage({ ready: true } satisfies ParseAnswer);
