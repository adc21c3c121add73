import type { ForwardTarget } from '../proxy/forwarder.js';

/** A server URL parsed once for the process: validation checks it and load balancers forward to it. */
export interface ParsedServerUrl {
  url: URL;
  /** Forwarding targets for this URL, shared by every service naming it (read-only for the forwarder). */
  target: ForwardTarget;
  preservedTarget: ForwardTarget;
}

// Validation and the load balancer build used to parse every server URL of a snapshot each (issue 8: 20,000
// `URL`s for 10,000 services); services naming the same backend now also share its `URL` and targets. Bounded:
// past the limit the cache starts over, so URLs of removed servers do not pile up.
const cache = new Map<string, ParsedServerUrl | null>();
const MAX_ENTRIES = 50_000;

/** The parsed form of a server URL, or undefined when `new URL` refuses it. */
export function parseServerUrl(text: string): ParsedServerUrl | undefined {
  let parsed = cache.get(text);
  if (parsed === undefined) {
    parsed = parse(text);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(text, parsed);
  }
  return parsed ?? undefined;
}

function parse(text: string): ParsedServerUrl | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return { url, target: Object.freeze({ url }), preservedTarget: Object.freeze({ url, preservePath: true }) };
}
