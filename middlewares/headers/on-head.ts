import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { applyResponseHeaders, type HeaderEdit } from './custom.js';

type WriteHead = (...args: unknown[]) => ServerResponse;

/** Moves headers passed to `writeHead` onto the response, so they can be read and changed before they are sent. */
function mergeGiven(res: ServerResponse, given: unknown): void {
  if (Array.isArray(given)) {
    // Node accepts `[[name, value], …]` and the flat raw form `[name, value, …]`; repeated names stay repeated.
    const pairs: [string, OutgoingHttpHeader][] = Array.isArray(given[0])
      ? (given as [string, OutgoingHttpHeader][])
      : (given as string[]).flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1] as string] as [string, OutgoingHttpHeader]] : []));
    const grouped = new Map<string, string[]>();
    for (const [name, value] of pairs) {
      const key = String(name).toLowerCase();
      grouped.set(key, [...(grouped.get(key) ?? []), ...(Array.isArray(value) ? value : [String(value)])]);
    }
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  } else if (given && typeof given === 'object') {
    for (const [name, value] of Object.entries(given as OutgoingHttpHeaders)) if (value !== undefined) res.setHeader(name, value);
  }
}

/**
 * Runs `modify` on the response's headers just before its head is written, whoever writes it: the
 * forwarder relaying a server's answer, a later middleware, or the gateway's own error pages (which
 * clear headers set earlier, so setting them before `next` is not enough). Node's implicit head
 * (`end` without `writeHead`) goes through `writeHead` too.
 */
export function onResponseHead(res: ServerResponse, modify: (res: ServerResponse) => void): void {
  const original = res.writeHead as WriteHead;
  let done = false;
  res.writeHead = function (this: ServerResponse, status: number, reasonOrHeaders?: unknown, maybeHeaders?: unknown) {
    if (!done && !res.headersSent) {
      done = true;
      const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
      mergeGiven(res, typeof reasonOrHeaders === 'string' ? maybeHeaders : (reasonOrHeaders ?? maybeHeaders));
      modify(res);
      return reason === undefined ? original.call(res, status) : original.call(res, status, reason);
    }
    return original.call(res, status, reasonOrHeaders, maybeHeaders);
  } as ServerResponse['writeHead'];
}

/**
 * The header object to write instead of `given`: the same headers in the same order, the configured ones
 * replaced (or dropped) where the server had them, whatever their case, and the others appended. The
 * response's own headers are only touched for removals, so Node writes the head from this one object.
 */
function editGiven(res: ServerResponse, given: OutgoingHttpHeaders, edits: readonly HeaderEdit[], byKey: ReadonlyMap<string, HeaderEdit>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  let applied: Set<string> | undefined;
  for (const name in given) {
    const value = given[name];
    if (value === undefined) continue;
    const edit = byKey.get(name.toLowerCase());
    if (!edit) {
      out[name] = value;
      continue;
    }
    applied ??= new Set();
    if (applied.has(edit.key)) continue;
    applied.add(edit.key);
    if (edit.value !== '') out[edit.name] = edit.value;
  }
  for (const edit of edits) {
    // A header set earlier with setHeader is merged by Node under the given ones: a removal must clear it there.
    if (edit.value === '') res.removeHeader(edit.name);
    else if (!applied?.has(edit.key)) out[edit.name] = edit.value;
  }
  return out;
}

/**
 * `onResponseHead` for a middleware that only sets and removes fixed response headers: the common case,
 * done without moving every header the server sent onto the response first. The result is the one
 * `applyResponseHeaders` gives after a merge; a head given as an array takes the general path.
 */
export function editResponseHead(res: ServerResponse, edits: readonly HeaderEdit[], byKey: ReadonlyMap<string, HeaderEdit>): void {
  const original = res.writeHead as WriteHead;
  let done = false;
  res.writeHead = function (this: ServerResponse, status: number, reasonOrHeaders?: unknown, maybeHeaders?: unknown) {
    if (done || res.headersSent) return original.call(res, status, reasonOrHeaders, maybeHeaders);
    done = true;
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const given = reason !== undefined ? maybeHeaders : (reasonOrHeaders ?? maybeHeaders);
    if (given !== undefined && given !== null && typeof given === 'object' && !Array.isArray(given)) {
      const headers = editGiven(res, given as OutgoingHttpHeaders, edits, byKey);
      return reason === undefined ? original.call(res, status, headers) : original.call(res, status, reason, headers);
    }
    mergeGiven(res, given);
    applyResponseHeaders(res, edits);
    return reason === undefined ? original.call(res, status) : original.call(res, status, reason);
  } as ServerResponse['writeHead'];
}
