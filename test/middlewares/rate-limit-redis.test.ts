import http from 'node:http';
import t from 'tap';
import { Redis } from 'ioredis';
import { rateLimitMiddleware } from '../../middlewares/rate-limit/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { runLoad } from '../helpers/load.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startEchoBackend } from '../helpers/traffic-control.js';

// Two gateways stand in for two replicas; the limit must hold across both (issue 3, Traefik #6042).
const redis = await startRedisServer();
const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const replicas: TestGateway[] = [];
for (let i = 0; i < 2; i++) replicas.push(await startTestGateway({ middlewares: [rateLimitMiddleware], dynamic: { 'empty.yaml': { http: {} } } }));
const client = new Redis({ port: redis.port, host: '127.0.0.1' });
t.teardown(async () => {
  for (const gw of replicas) await gw.close();
  client.disconnect();
  await backend.close();
  await redis.close();
});

async function install(options: Record<string, unknown>): Promise<void> {
  for (const gw of replicas) {
    await gw.writeDynamic('rl.yaml', {
      http: {
        routers: { rl: { rule: 'PathPrefix(`/rl`)', service: 'echo', middlewares: ['limit'] } },
        middlewares: { limit: { rateLimit: { ...options, redis: { endpoints: [redis.endpoint], ...((options.redis as object) ?? {}) } } } },
        services: { echo: service },
      },
    });
  }
}

t.test('the burst is shared by every replica', async (t) => {
  await client.flushall();
  await install({ average: 1, period: '1m', burst: 3 });
  const statuses: number[] = [];
  for (const gw of [...replicas, ...replicas, ...replicas]) {
    const res = await fetch(gw.url('/rl/x'));
    await res.arrayBuffer();
    statuses.push(res.status);
    if (res.status === 429) {
      t.ok(Number(res.headers.get('retry-after')) >= 1, 'a refused request gets Retry-After');
      t.ok(res.headers.get('x-retry-in'), 'and X-Retry-In');
    }
  }
  t.same(statuses, [200, 200, 200, 429, 429, 429], 'three requests pass in all, whichever replica they reach');
  t.same(await client.keys('rate:*'), ['rate:limit@file:127.0.0.1'], 'the bucket is keyed by middleware and source');
  const ttl = await client.pttl('rate:limit@file:127.0.0.1');
  t.ok(ttl > 0 && ttl <= 3 * 60_000 + 1000, `the bucket expires once it would be full again (${ttl} ms)`);
});

/** GETs `url` from the local address `from` and returns the status. */
function getFrom(url: string, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { localAddress: from }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

// Counted against the tokens a fresh bucket can produce (burst + rate × elapsed), not timed: a burst
// of two seconds' tokens absorbs the pauses of a loaded 2-core machine (rate-limit-accuracy.test.ts
// explains the method).
t.test('the rate over both replicas stays within 5% of the average over 10 s', async (t) => {
  await client.flushall();
  await install({ average: 50, burst: 100 });
  // Another source warms each replica's connections to the server and to Redis, so the first counted
  // request (which makes the bucket) is not held up by them.
  for (const gw of replicas) t.equal(await getFrom(gw.url('/rl/warm'), '127.0.0.2'), 200, 'a warm-up request from another source passes');
  const urls = [replicas[0]!.url('/rl/a'), replicas[1]!.url('/rl/b')];
  const result = await runLoad(urls, 10_000);
  const admitted = result.byStatus[200] ?? 0;
  const rate = (admitted - 100) / result.seconds;
  const summary = `${admitted} admitted in ${result.seconds.toFixed(2)} s (statuses ${JSON.stringify(result.byStatus)})`;
  t.ok(Math.abs(rate - 50) <= 2.5, `after the burst ${rate.toFixed(2)}/s allowed: ${summary}`);
  t.ok((result.byStatus[429] ?? 0) > admitted, 'the load exceeded the limit');
});

t.test('an unreachable Redis answers 500, never a stack trace', async (t) => {
  const gw = replicas[0]!;
  await gw.writeDynamic('rl.yaml', {
    http: {
      routers: { rl: { rule: 'PathPrefix(`/rl`)', service: 'echo', middlewares: ['limit'] } },
      middlewares: { limit: { rateLimit: { average: 5, redis: { endpoints: ['127.0.0.1:1'], dialTimeout: '200ms', readTimeout: '200ms', writeTimeout: '200ms' } } } },
      services: { echo: service },
    },
  });
  const res = await fetch(gw.url('/rl/x'));
  t.equal(res.status, 500);
  t.equal(await res.text(), 'Internal Server Error\n');
});
