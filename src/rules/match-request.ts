import type { IncomingHttpHeaders } from 'node:http';

/** What a rule looks at in a request, prepared once by the entry point. */
export interface MatchRequest {
  /** The method as received, e.g. 'GET'. */
  method: string;
  /** The canonical host: lower-cased, port, IPv6 brackets and trailing dot removed ('' when none). */
  host: string;
  /** The routing path, already normalised by the entry point. */
  path: string;
  /** The raw query string without '?', '' when none. */
  query: string;
  /** Node's lower-cased header map; an array value holds one entry per header line. */
  headers: IncomingHttpHeaders;
  /** The connection peer address (an IPv4-mapped IPv6 address counts as the IPv4 one). */
  clientIp: string;
}

/** A compiled matcher: a predicate over a request. */
export type Matcher = (req: MatchRequest) => boolean;
