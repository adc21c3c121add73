import { parentPort } from 'node:worker_threads';
import { parseConfigFile, type ParseResult } from './parse-file.js';
import { scheduleRelease } from '../../src/release-memory.js';
import { diffValue, type ValuePatch } from './value-patch.js';

/**
 * A request to the parsing thread: parse `text`; `base` is the id of the last answer for `name` the caller
 * holds, so the answer may be a patch against it. `{ drop }` forgets a file the caller no longer reads.
 */
export type ParseRequest = { id: number; name: string; text: string; base?: number } | { drop: string };
/**
 * What the parsing thread posts: `ready` once, then one answer per request: the result, or for a value
 * the caller holds as `base`, how the new value differs from it (`result` and `patch` absent: parse it
 * where you are).
 */
export type ParseAnswer = { ready: true } | { id: number; result?: ParseResult; patch?: ValuePatch };

// Each file's last good value and the request it answered, so that the next parse of a file sends only
// what changed.
const last = new Map<string, { id: number; value: unknown }>();

// A parse of a big file allocates several times the file's value, and V8 keeps those pages after the parse
// (src/release-memory.ts): a second after the last answer they go back to the system. The pause this costs
// is this thread's, not the serving thread's.
const memory = scheduleRelease({ delayMs: 1000 });

// Answers every request with what parseConfigFile answers on the main thread; a result that cannot be
// copied to it (no parser returns one today) is left to the main thread rather than lost.
parentPort!.on('message', (request: ParseRequest) => {
  if ('drop' in request) return void last.delete(request.drop);
  const { id, name, text, base } = request;
  const result = parseConfigFile(name, text);
  let answer: ParseAnswer = { id, result };
  if (result.ok) {
    const earlier = last.get(name);
    last.set(name, { id, value: result.value });
    if (earlier !== undefined && earlier.id === base) answer = { id, patch: diffValue(earlier.value, result.value) };
  }
  try {
    parentPort!.postMessage(answer);
  } catch {
    parentPort!.postMessage({ id } satisfies ParseAnswer);
  }
  memory.changed();
});
// The parsers are loaded: from now on a request is answered without waiting for them.
parentPort!.postMessage({ ready: true } satisfies ParseAnswer);
