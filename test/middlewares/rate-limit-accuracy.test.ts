import http from 'node:http';
import t from 'tap';
import { rateLimitMiddleware } from '../../middlewares/rate-limit/index.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startEchoBackend } from '../helpers/traffic-control.js';

// Issue 3 "Must show": over 10 s the allowed rate is within 5% of `average`, with one middleware
// shared by several routers (Traefik #13706 gives each router its own buckets) and across reloads
// that leave the middleware unchanged (Traefik resets the buckets on every reload).
//
// The check counts admitted requests against the tokens the bucket produced, instead of timing single
// requests. A fresh bucket starts full and saturating load keeps it near empty, so from the first
// request sent to the last it can admit `burst + rate × elapsed` (plus under one token). The only
// tokens legitimately lost are those that overflowed a full bucket while the test process was not
// scheduled at all (load averages above 20 on 2 cores are common here): a gap of `g` between two
// consecutive requests loses `rate × g − burst` when positive. Those are subtracted, measured from
// the send times; the burst (two seconds of tokens) keeps them rare. A bucket reset by a reload would
// admit a whole burst more (+20%); per-router buckets would multiply the rate.

const AVERAGE = 50;
const BURST = 100;
// Half a second more than the 10 s measured, since the last request is sent a little before the end.
const LOAD_MS = 10_500;

const redis = await startRedisServer();
const backend = await startEchoBackend();
const gw = await startTestGateway({ middlewares: [rateLimitMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await redis.close();
});

/** Installs `routers` routers at /r0, /r1, … that all use the one middleware `limit`, plus `extra` routers without it. */
async function install(limit: Record<string, unknown>, routers: number, extra = 0): Promise<void> {
  const all: Record<string, unknown> = {};
  for (let i = 0; i < routers; i++) all[`r${i}`] = { rule: `PathPrefix(\`/r${i}\`)`, service: 'echo', middlewares: ['limit'] };
  for (let i = 0; i < extra; i++) all[`plain${i}`] = { rule: `PathPrefix(\`/plain${i}\`)`, service: 'echo' };
  await gw.writeDynamic('rl.yaml', {
    http: { routers: all, middlewares: { limit: { rateLimit: limit } }, services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } } },
  });
}

/** What one load run saw: answers by status, and the time from the first request sent to the last answer. */
interface Run {
  admitted: number;
  refused: number;
  other: number;
  seconds: number;
  routersHit: Set<string>;
  /** When each request was sent, in order. */
  sent: number[];
}

/**
 * Sends GETs to `paths` in turn from 8 keep-alive clients as fast as they are answered, for LOAD_MS;
 * `during` runs meanwhile.
 */
async function measure(paths: () => string[], during: () => Promise<void>): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const run: Run = { admitted: 0, refused: 0, other: 0, seconds: 0, routersHit: new Set(), sent: [] };
  let n = 0;
  const get = (path: string, localAddress?: string): Promise<number> =>
    new Promise((resolve) => {
      http
        .get(gw.url(path), { agent, localAddress }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', () => resolve(0));
    });
  let deadline = 0;
  const worker = async (): Promise<void> => {
    deadline ||= performance.now() + LOAD_MS;
    while (performance.now() < deadline) {
      const list = paths();
      const path = list[n++ % list.length]!;
      run.sent.push(performance.now());
      const status = await get(path);
      if (status === 200) {
        run.admitted++;
        run.routersHit.add(path);
      } else if (status === 429) run.refused++;
      else run.other++;
    }
  };
  // The bucket is made by the first request that reaches it, so that one must not wait on cold
  // connections or first-use code paths: warm the connections through a router without the limit,
  // and the limited routers from another source address, which has buckets of its own.
  await Promise.all(Array.from({ length: 8 }, () => get('/plain0/warm')));
  for (const path of paths()) await get(path, '127.0.0.2');
  const tasks = Array.from({ length: 8 }, worker);
  await during();
  await Promise.all(tasks);
  agent.destroy();
  run.seconds = (run.sent.at(-1)! - run.sent[0]!) / 1000;
  return run;
}

const stores: Array<{ name: string; limit: () => Record<string, unknown> }> = [
  { name: 'in memory', limit: () => ({ average: AVERAGE, period: '1s', burst: BURST }) },
  // The same average spelled over another period, kept in a real Redis; a fresh Redis, so the bucket starts full.
  { name: 'in Redis', limit: () => ({ average: AVERAGE * 2, period: '2s', burst: BURST, redis: { endpoints: [redis.endpoint] } }) },
];

for (const store of stores) {
  t.test(`${store.name}: the allowed rate over 10 s is within 5% of the average, shared by three routers and across two reloads`, async (t) => {
    const limit = store.limit();
    await install(limit, 3, 1);
    let routers = 3;
    const before = gw.gateway.version();
    const result = await measure(
      () => Array.from({ length: routers }, (_, i) => `/r${i}/x`),
      async () => {
        await new Promise((r) => setTimeout(r, LOAD_MS / 3));
        // An unrelated change: a router without the middleware.
        await install(limit, 3, 2);
        await new Promise((r) => setTimeout(r, LOAD_MS / 3));
        // A fourth router starts using the same middleware, whose options are unchanged.
        await install(limit, 4, 2);
        routers = 4;
      },
    );
    t.equal(gw.gateway.version(), before + 2, 'two new routing tables were installed during the run');
    t.ok(result.seconds >= 10, `the load ran for at least 10 s (${result.seconds.toFixed(2)} s)`);
    let lost = 0;
    let longest = 0;
    for (let i = 1; i < result.sent.length; i++) {
      const gap = (result.sent[i]! - result.sent[i - 1]!) / 1000;
      longest = Math.max(longest, gap);
      lost += Math.max(0, AVERAGE * gap - BURST);
    }
    const rate = (result.admitted - BURST + lost) / result.seconds;
    const summary =
      `${result.admitted} admitted, ${result.refused} refused, ${result.other} other in ${result.seconds.toFixed(2)} s; ` +
      `longest pause ${longest.toFixed(2)} s, ${lost.toFixed(1)} tokens overflowed`;
    t.ok(Math.abs(rate - AVERAGE) <= AVERAGE * 0.05, `the allowed rate after the burst, ${rate.toFixed(2)}/s, is within 5% of ${AVERAGE}/s (${summary})`);
    t.ok(result.refused > result.admitted, `the load exceeded the limit (${summary})`);
    t.equal(result.other, 0, 'every answer was 200 or 429');
    t.same([...result.routersHit].sort(), ['/r0/x', '/r1/x', '/r2/x', '/r3/x'], 'every router, the added one too, was admitted some requests');
  });
}
