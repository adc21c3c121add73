import http from 'node:http';

/** What a load run saw: responses counted by status, and how long requests were sent for (from the first one sent). */
export interface LoadResult {
  byStatus: Record<number, number>;
  seconds: number;
}

/** GETs `urls` in turn from `workers` keep-alive clients as fast as they answer, for `ms`; `midway` runs once half-way through. */
export async function runLoad(urls: string[], ms: number, workers = 8, midway?: () => Promise<void>): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const byStatus: Record<number, number> = {};
  const start = performance.now();
  const deadline = start + ms;
  let n = 0;
  let first = 0;
  const get = (url: string): Promise<number> =>
    new Promise((resolve) => {
      first ||= performance.now();
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const status = await get(urls[n++ % urls.length]!);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
  };
  const tasks = Array.from({ length: workers }, worker);
  if (midway) {
    await new Promise((r) => setTimeout(r, ms / 2));
    await midway();
  }
  await Promise.all(tasks);
  agent.destroy();
  return { byStatus, seconds: (deadline - (first || start)) / 1000 };
}
