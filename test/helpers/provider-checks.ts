import http from 'node:http';

/** Polls a condition (sync or async) until it holds; throws naming what was awaited after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** GETs a URL with a chosen Host header (fetch cannot set Host) and returns `"<status> <body>"`. */
export function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('error', reject);
  });
}

/** Counts the bodies of `n` sequential requests to a host, e.g. to see weights or which servers take traffic. */
export async function tallyHost(url: string, host: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const answer = await getWithHost(url, host);
    counts[answer] = (counts[answer] ?? 0) + 1;
  }
  return counts;
}
