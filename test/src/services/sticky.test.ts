import t from 'tap';
import { buildService } from '../../../src/services/build.js';
import { defaultCookieName, formatCookie, pickSticky, resolveStickyCookie, StickyItems, stickyValue } from '../../../src/services/sticky.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeBackendPool, startBackendPool } from '../../helpers/backend-pool.js';
import { startServiceHarness, waitFor } from '../../helpers/backend-harness.js';

const setCookies = (headers: Record<string, string | string[] | undefined>): string[] => {
  const value = headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

const attributes: Array<[string, Parameters<typeof resolveStickyCookie>[0], string]> = [
  ['a bare cookie gets the default name and path "/"', {}, `${defaultCookieName('app@file')}=v; Path=/`],
  ['every attribute is written', { name: 'sid', secure: true, httpOnly: true, sameSite: 'strict', maxAge: 60, path: '/app', domain: 'example.test' }, 'sid=v; Path=/app; Domain=example.test; Max-Age=60; HttpOnly; Secure; SameSite=Strict'],
  ['sameSite none and lax are capitalised', { name: 's', sameSite: 'none' }, 's=v; Path=/; SameSite=None'],
  ['a negative maxAge expires the cookie at once', { name: 's', maxAge: -1 }, 's=v; Path=/; Max-Age=0'],
  ['characters not allowed in a cookie name become underscores', { name: 'my cookie;x' }, 'my_cookie_x=v; Path=/'],
];
for (const [name, config, expected] of attributes) {
  t.test(name, async (t) => {
    t.equal(formatCookie(resolveStickyCookie(config, 'app@file'), 'v'), expected);
  });
}

t.test('the default cookie name is Traefik\'s: "_" and five hex digits', async (t) => {
  t.match(defaultCookieName('app@file'), /^_[0-9a-f]{5}$/);
  t.not(defaultCookieName('app@file'), defaultCookieName('other@file'));
});

t.test('sticky sessions pin a client to one server until it goes DOWN, then move and rewrite the cookie', async (t) => {
  const backends = await startBackendPool(3);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const service = buildService(
    {
      loadBalancer: {
        servers: backends.map((b) => ({ url: b.url })),
        sticky: { cookie: { name: 'pin', httpOnly: true } },
        healthCheck: { path: '/health', interval: '50ms' },
      },
    },
    harness.context('sticky@file'),
  );
  harness.service = service;

  const first = await harness.send();
  const [cookie] = setCookies(first.headers);
  t.equal(cookie, `pin=${stickyValue(backends[0]!.url)}; Path=/; HttpOnly`, 'the first response sets the cookie, naming the server by hash');
  t.notMatch(cookie!, /127\.0\.0\.1/, 'the cookie does not reveal the server address');
  const pair = cookie!.split(';')[0]!;

  const pinned = [];
  for (let i = 0; i < 20; i++) {
    const res = await harness.send({ headers: { cookie: `other=1; ${pair}` } });
    pinned.push(res.body);
    t.same(setCookies(res.headers), [], 'a request carrying a valid cookie gets no new one');
  }
  t.same(new Set(pinned), new Set([first.body]), 'every request with the cookie reaches the same server');

  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => service.serverStatus()[backends[0]!.url] === 'DOWN'), 'the pinned server is marked DOWN');
  const moved = await harness.send({ headers: { cookie: pair } });
  t.not(moved.body, first.body, 'the request lands on another server');
  const [rewritten] = setCookies(moved.headers);
  const movedTo = backends.find((b) => b.id === moved.body)!;
  t.equal(rewritten, `pin=${stickyValue(movedTo.url)}; Path=/; HttpOnly`, 'the cookie is rewritten to the new server');
});

t.test('a cookie naming a server that is gone is rebalanced, and a v2-style raw URL cookie is honoured', async (t) => {
  const backends = await startBackendPool(2);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  harness.service = buildService({ loadBalancer: { servers: backends.map((b) => ({ url: b.url })), sticky: { cookie: { name: 'pin' } } } }, harness.context('gone@file'));
  const gone = await harness.send({ headers: { cookie: 'pin=0123456789abcdef' } });
  t.equal(setCookies(gone.headers).length, 1, 'a new cookie is set');
  const raw = await harness.send({ headers: { cookie: `pin=${backends[1]!.url}` } });
  t.equal(raw.body, 'b');
});

// Todo until the forwarder merges Set-Cookie: relayResponse's res.writeHead(status, headers) replaces what a service set with res.setHeader.
t.test('the sticky cookie is kept next to cookies the server sets', async (t) => {
  const backends = await startBackendPool(1);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  backends[0]!.setCookies = ['session=abc; Path=/'];
  harness.service = buildService({ loadBalancer: { servers: [{ url: backends[0]!.url }], sticky: { cookie: { name: 'pin' } } } }, harness.context('both@file'));
  const res = await harness.send();
  t.same(setCookies(res.headers).map((c) => c.split('=')[0]).sort(), ['pin', 'session']);
});

t.test('the pinned server is found by its cookie among 1,000, by value or raw URL, first match winning', async (t) => {
  const urls = Array.from({ length: 1000 }, (_, i) => `http://10.0.${i >> 8}.${i & 255}:80`);
  // The same URL twice: the first of them is pinned, as a scan in order would pick.
  urls.push(urls[500]!);
  const items = new StickyItems(urls);
  const cookie = resolveStickyCookie({ name: 'sid' }, 'app@file');
  const pick = (sent: string, eligible: (i: number) => boolean = () => true) =>
    pickSticky({ headers: { cookie: `other=1; sid=${sent}` } } as unknown as IncomingMessage, { getHeader: () => undefined, setHeader: () => undefined, appendHeader: () => undefined } as unknown as ServerResponse, cookie, items, eligible, () => -1);
  const cases: Array<[string, string, number]> = [
    ['by value', items.values[700]!, 700],
    ['by raw URL (a v2 cookie)', urls[3]!, 3],
    ['a duplicated server: the first one', items.values[500]!, 500],
    ['an unknown cookie goes to the balancer (here: nothing eligible)', 'nope', -1],
  ];
  for (const [name, sent, expected] of cases) t.equal(pick(sent), expected, name);
  t.equal(pick(items.values[700]!, (i) => i !== 700), -1, 'a pinned server that is not eligible goes to the balancer');
});
