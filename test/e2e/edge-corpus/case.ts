/** What a forwarded case must look like at the back end. */
export interface Forwarded {
  /** Route whose server received it (`root`, `public`, `admin`, `host`). */
  route?: string;
  /** The request target the server received (path and query). */
  path?: string;
  /** Headers that must reach the server, with their exact value when one is given. */
  present?: Record<string, string | true>;
  /** Headers (lower-case) that must not reach the server. */
  absent?: string[];
  /** The exact body the server received. */
  body?: string;
  /** Status the client receives (200 unless said). */
  status?: number;
  /** An interim status the client must see first (100 for Expect: 100-continue). */
  interim?: number;
}

/** One raw-bytes case: what is sent, where the expectation comes from, and what must happen. */
export interface EdgeCase {
  name: string;
  /** An RFC section, a CVE/GHSA, or a documented nginx/HAProxy/Traefik/Node behaviour. */
  source: string;
  raw: Buffer | string;
  /** The entry point to send it to (default `web`; see edge-corpus.test.ts for the others). */
  entryPoint?: string;
  /** Either refused with this status and nothing reaches a server, or forwarded exactly once, in this form. */
  expect: { status: number } | { forwarded: Forwarded };
}

/** Joins a request line and field lines with CRLF and ends the header section; `body` follows as is. */
export function req(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
