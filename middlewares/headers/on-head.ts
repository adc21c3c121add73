import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';

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
  const original = res.writeHead as (...args: unknown[]) => ServerResponse;
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
