import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { retryMiddleware } from '../../middlewares/retry/index.js';

// The retry middleware counts attempts in the request context; metrics and access logs report retries from it.
t.test('retries are counted per service and logged as RetryAttempts', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const dead = `http://127.0.0.1:${await freePort()}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-retry-'));
  const file = path.join(dir, 'access.log');
  const gw = await startTestGateway({
    middlewares: [retryMiddleware as never],
    static: { metrics: { prometheus: {} }, accessLog: { filePath: file, format: 'json' } },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: { app: { rule: 'PathPrefix(`/`)', service: 'app', middlewares: ['again'] } },
          middlewares: { again: { retry: { attempts: 3 } } },
          services: { app: { loadBalancer: { servers: [{ url: dead }, { url: backend.url }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  const statuses: number[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await request(gw.url(`/r${i}`));
    await res.body.text();
    statuses.push(res.statusCode);
  }
  t.same(statuses, [200, 200], 'every request ends on the live server');

  const metrics = await (await request(gw.url('/metrics', 'switchyard'))).body.text();
  const retries = Number(/switchyard_service_retries_total\{service="app@file"\} (\d+)/.exec(metrics)?.[1]);
  let text = '';
  for (let i = 0; i < 100 && text.trim().split('\n').length < 2; i++) {
    text = await readFile(file, 'utf8').catch(() => '');
    await new Promise((r) => setTimeout(r, 20));
  }
  const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { RetryAttempts: number; ServiceURL: string });
  const logged = entries.reduce((sum, e) => sum + e.RetryAttempts, 0);
  t.ok(retries >= 1, `at least one request was retried (${retries})`);
  t.equal(logged, retries, 'the access log and the metric agree');
  t.ok(entries.every((e) => e.ServiceURL === backend.url), 'the logged server is the one that answered');
});
