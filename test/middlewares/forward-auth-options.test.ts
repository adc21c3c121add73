import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { forwardAuthMiddleware } from '../../middlewares/forward-auth/index.js';
import { startAuthServer } from '../helpers/auth-server.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startEchoBackend } from '../helpers/traffic-control.js';

// forwardAuth options the other forward-auth tests leave out: the cache's maxEntries bound (Traefik
// #11718 asks for a cache; an unbounded one would grow with every credential) and headerField.
const auth = await startAuthServer();
const backend = await startEchoBackend();
const address = `${auth.url}/verify`;
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-fa-'));
const logFile = path.join(dir, 'access.log');
const gw = await startTestGateway({
  middlewares: [forwardAuthMiddleware],
  static: { accessLog: { filePath: logFile } },
  dynamic: {
    'fa.yaml': {
      http: {
        routers: {
          small: { rule: 'PathPrefix(`/small`)', service: 'echo', middlewares: ['small'] },
          named: { rule: 'PathPrefix(`/named`)', service: 'echo', middlewares: ['named'] },
        },
        middlewares: {
          // Keyed per URI so distinct paths make distinct entries with the one credential the auth server accepts.
          small: { forwardAuth: { address, cache: { ttl: '1m', key: ['Authorization', 'X-Forwarded-Uri'], maxEntries: 2 } } },
          named: { forwardAuth: { address, headerField: 'X-Auth-User' } },
        },
        services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await auth.close();
  await rm(dir, { recursive: true, force: true });
});

/** Requests `p` and returns the status and how many times the auth server was asked. */
async function call(p: string, authorization?: string): Promise<{ status: number; asked: number }> {
  const before = auth.seen.length;
  const res = await fetch(gw.url(p), { headers: authorization ? { authorization } : {} });
  await res.arrayBuffer();
  return { status: res.status, asked: auth.seen.length - before };
}

t.test('cache.maxEntries keeps at most that many decisions, dropping the oldest first', async (t) => {
  const steps: Array<{ name: string; path: string; asked: number }> = [
    { name: 'a first URI is asked', path: '/small/a', asked: 1 },
    { name: 'a second URI is asked', path: '/small/b', asked: 1 },
    { name: 'both are now answered from the cache', path: '/small/a', asked: 0 },
    { name: 'the second is cached too', path: '/small/b', asked: 0 },
    { name: 'a third URI is asked and pushes out the oldest', path: '/small/c', asked: 1 },
    { name: 'the oldest is asked again', path: '/small/a', asked: 1 },
    { name: 'the newest is still cached', path: '/small/c', asked: 0 },
  ];
  for (const s of steps) {
    const result = await call(s.path, 'Bearer good');
    t.same(result, { status: 200, asked: s.asked }, s.name);
  }
});

t.test('headerField names the user in the access log', async (t) => {
  t.equal((await call('/named/in', 'Bearer good')).status, 200);
  t.equal((await call('/named/out')).status, 401);
  const deadline = Date.now() + 15_000;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    lines = text.split('\n').filter((l) => l.includes('"GET /named/'));
    if (lines.length >= 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(lines.find((l) => l.includes('/named/in')), /^\S+ - alice \[/, 'the allowed request is logged as the user the auth server named');
  t.match(lines.find((l) => l.includes('/named/out')), /^\S+ - - \[/, 'a denied request has no user');
});
