import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import { CAPTURE_PROBE } from '../traffic-control/capture-response.js';

/**
 * Node keeps a response's headers in an object under an internal symbol: null until a header is set, and
 * a head given to writeHead as one object is written straight from that object only while it is null.
 * The probe is put into and taken out of that table directly: setHeader would validate a constant name and
 * value on every request, and a probe set and removed would leave an empty table behind, which makes Node
 * pass every header of the server's answer through setHeader one by one. Looked up on the first response;
 * where a Node version has no such symbol, the public header methods do the same, only slower.
 */
let table: symbol | null | undefined;

type Tables = Record<symbol, Record<string, HeaderPair> | null>;

function tableOf(res: ServerResponse): symbol | null {
  table ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders') ?? null;
  return table;
}

/** A header as set: its name as written, and its value. */
export type HeaderPair = [string, OutgoingHttpHeader];

/**
 * The response's headers when it has any (set by middlewares in front of retry), else undefined (and no
 * copy is made); names keep the case they were set with, so putting them back writes the same lines.
 */
export function priorHeaders(res: ServerResponse): HeaderPair[] | undefined {
  const symbol = tableOf(res);
  const headers = symbol === null ? undefined : (res as unknown as Tables)[symbol];
  if (headers === null) return undefined;
  if (headers !== undefined) {
    const pairs = Object.values(headers) as HeaderPair[];
    return pairs.length > 0 ? pairs.map(([name, value]) => [name, value]) : undefined;
  }
  const names = res.getHeaderNames();
  return names.length > 0 ? names.map((name) => [name, res.getHeader(name)!]) : undefined;
}

/** Sets the probe on the response (see CAPTURE_PROBE). */
export function setProbe(res: ServerResponse): void {
  const symbol = tableOf(res);
  const headers = symbol === null ? undefined : (res as unknown as Tables)[symbol];
  if (headers === undefined) res.setHeader(CAPTURE_PROBE, '1');
  else if (headers === null) (res as unknown as Tables)[symbol!] = { __proto__: null, [CAPTURE_PROBE]: [CAPTURE_PROBE, '1'] } as never;
  else headers[CAPTURE_PROBE] = [CAPTURE_PROBE, '1'];
}

/** True when the probe is still on the response: nobody cleared its headers since setProbe. */
export function hasProbe(res: ServerResponse): boolean {
  return res.hasHeader(CAPTURE_PROBE);
}

/** Removes the probe; a table left empty goes back to null, as on a response nobody set a header on. */
export function removeProbe(res: ServerResponse): void {
  const symbol = tableOf(res);
  const headers = symbol === null ? undefined : (res as unknown as Tables)[symbol];
  if (headers === undefined) {
    res.removeHeader(CAPTURE_PROBE);
    return;
  }
  if (headers === null) return;
  delete headers[CAPTURE_PROBE];
  for (const _ in headers) return;
  (res as unknown as Tables)[symbol!] = null;
}
