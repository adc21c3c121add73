import t from 'tap';
import { forwardAuthMiddleware } from '../../middlewares/forward-auth/index.js';
import { startAuthServer } from '../helpers/auth-server.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startEchoBackend, type Echo } from '../helpers/traffic-control.js';

// Switchyard's opt-in cache of auth decisions (Traefik #11718).
const auth = await startAuthServer();
const backend = await startEchoBackend();
const address = `${auth.url}/verify`;
const cached = { forwardAuth: { address, authResponseHeaders: ['X-Auth-User'], cache: { ttl: '1m', negativeTtl: '1m', key: ['Authorization'] } } };
const http = {
  routers: {
    one: { rule: 'PathPrefix(`/one`)', service: 'echo', middlewares: ['cached'] },
    two: { rule: 'PathPrefix(`/two`)', service: 'echo', middlewares: ['cached'] },
    plain: { rule: 'PathPrefix(`/plain`)', service: 'echo', middlewares: ['plain'] },
    short: { rule: 'PathPrefix(`/short`)', service: 'echo', middlewares: ['short'] },
    byUri: { rule: 'PathPrefix(`/byUri`)', service: 'echo', middlewares: ['byUri'] },
  },
  middlewares: {
    cached,
    plain: { forwardAuth: { address } },
    short: { forwardAuth: { address, cache: { ttl: '1s' } } },
    byUri: { forwardAuth: { address, cache: { ttl: '1m', key: ['Authorization', 'X-Forwarded-Uri'] } } },
  },
  services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } },
};
const gw = await startTestGateway({ middlewares: [forwardAuthMiddleware], dynamic: { 'fa.yaml': { http } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await auth.close();
});

async function calls(path: string, authorization?: string): Promise<{ status: number; user: unknown; asked: number }> {
  const before = auth.seen.length;
  const res = await fetch(gw.url(path), { headers: authorization ? { authorization } : {} });
  const user = res.status === 200 ? ((await res.json()) as Echo).headers['x-auth-user'] : (await res.text(), undefined);
  return { status: res.status, user, asked: auth.seen.length - before };
}

t.test('decisions are reused within the TTL', async (t) => {
  const cases: Array<{ name: string; path: string; authorization?: string; status: number; asked: number; user?: string }> = [
    { name: 'the first allowed request asks the auth server', path: '/one', authorization: 'Bearer good', status: 200, asked: 1, user: 'alice' },
    { name: 'the same credential is answered from the cache, headers included', path: '/one/again', authorization: 'Bearer good', status: 200, asked: 0, user: 'alice' },
    { name: 'another router using the same middleware shares the cache', path: '/two', authorization: 'Bearer good', status: 200, asked: 0, user: 'alice' },
    { name: 'a denial is asked once', path: '/one', authorization: 'Bearer nope', status: 401, asked: 1 },
    { name: 'and then reused for negativeTtl', path: '/one', authorization: 'Bearer nope', status: 401, asked: 0 },
    { name: 'an auth server failure is asked once', path: '/one', authorization: 'Bearer boom', status: 500, asked: 1 },
    { name: 'and never cached', path: '/one', authorization: 'Bearer boom', status: 500, asked: 1 },
    { name: 'a request without any key header is never answered from the cache', path: '/one', status: 401, asked: 1 },
    { name: 'nor is the next one', path: '/one', status: 401, asked: 1 },
    { name: 'without the cache option every request is asked', path: '/plain', authorization: 'Bearer good', status: 200, asked: 1 },
    { name: 'and asked again', path: '/plain', authorization: 'Bearer good', status: 200, asked: 1 },
    { name: 'negative answers are not cached without negativeTtl', path: '/short', authorization: 'Bearer nope', status: 401, asked: 1 },
    { name: 'so the same denial is asked again', path: '/short', authorization: 'Bearer nope', status: 401, asked: 1 },
    { name: 'a key with X-Forwarded-Uri asks per URI', path: '/byUri/a', authorization: 'Bearer good', status: 200, asked: 1 },
    { name: 'the same URI is cached', path: '/byUri/a', authorization: 'Bearer good', status: 200, asked: 0 },
    { name: 'another URI asks again', path: '/byUri/b', authorization: 'Bearer good', status: 200, asked: 1 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const got = await calls(c.path, c.authorization);
      t.equal(got.status, c.status, 'status');
      t.equal(got.asked, c.asked, 'auth server requests');
      if (c.user) t.equal(got.user, c.user, 'the auth headers are copied');
    });
  }
});

t.test('an entry expires after its TTL', async (t) => {
  t.equal((await calls('/short', 'Bearer good')).asked, 1);
  t.equal((await calls('/short', 'Bearer good')).asked, 0);
  await new Promise((r) => setTimeout(r, 1300));
  t.equal((await calls('/short', 'Bearer good')).asked, 1, 'asked again after the TTL');
});

t.test('the cache survives a reload that leaves the middleware unchanged', async (t) => {
  t.equal((await calls('/one', 'Bearer good')).asked, 0);
  await gw.writeDynamic('other.yaml', { http: { routers: { extra: { rule: 'Path(`/extra`)', service: 'echo@file' } } } });
  t.equal((await calls('/one', 'Bearer good')).asked, 0, 'still cached after the reload');
  const changed = structuredClone(http);
  changed.middlewares.cached.forwardAuth.authResponseHeaders = ['X-Auth-User', 'X-Auth-Role'];
  await gw.writeDynamic('fa.yaml', { http: changed });
  t.equal((await calls('/one', 'Bearer good')).asked, 1, 'a changed configuration starts a fresh cache');
});
