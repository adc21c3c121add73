import { STATUS_CODES, type ServerResponse } from 'node:http';

/** Answers with a short plain-text body (the status text) and optional extra headers, unless the response already started. */
export function replyText(res: ServerResponse, status: number, headers: Record<string, string> = {}, text = STATUS_CODES[status] ?? 'Error'): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = `${text}\n`;
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** Formats milliseconds the way Go prints a time.Duration (`19.98ms`, `1.5s`, `2m3s`), as Traefik does in `X-Retry-In`. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1e-3) return `${trim(ms * 1e6)}ns`;
  if (ms < 1) return `${trim(ms * 1e3)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const h = hours ? `${hours}h` : '';
  const m = hours || minutes ? `${minutes}m` : '';
  return `${h}${m}${trim(seconds)}s`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(6)));
}
