import { STATUS_CODES, type ServerResponse } from 'node:http';

/** Answers with a plain-text status line as body (what the gateway says for its own errors). */
export function respondText(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  const body = `${status} ${STATUS_CODES[status] ?? 'Error'}\n`;
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Quotes a value for an auth-param (RFC 9110 §5.6.4 quoted-string). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
