import t from 'tap';
import { ipAllowListMiddleware, ipWhiteListMiddleware } from '../../middlewares/ip-allow-list.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend, type Echo } from '../helpers/traffic-control.js';

const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const allow = (sourceRange: string[], extra: Record<string, unknown> = {}) => ({ ipAllowList: { sourceRange, ...extra } });
const middlewares: Record<string, unknown> = {
  exact: allow(['192.0.2.1', '127.0.0.1']),
  loopback: allow(['127.0.0.0/8']),
  tenNet: allow(['10.0.0.0/8']),
  notFound: allow(['10.0.0.0/8'], { rejectStatusCode: 404 }),
  lastHop: allow(['203.0.113.0/24', '2001:db8::/32'], { ipStrategy: { depth: 1 } }),
  secondHop: allow(['198.51.100.0/24'], { ipStrategy: { depth: 2 } }),
  excluded: allow(['198.51.100.0/24'], { ipStrategy: { excludedIPs: ['203.0.113.0/24', '127.0.0.1'] } }),
  subnet: allow(['2001:db8:1:2::/64'], { ipStrategy: { depth: 1, ipv6Subnet: 64 } }),
  // excludedIPs skipping the test client stands in for `depth` while the core defect below is open.
  v6: allow(['2001:db8::/32', '203.0.113.0/24'], { ipStrategy: { excludedIPs: ['127.0.0.1'] } }),
  v6exact: allow(['2001:db8:1:2::'], { ipStrategy: { excludedIPs: ['127.0.0.1'], ipv6Subnet: 64 } }),
  legacy: { ipWhiteList: { sourceRange: ['127.0.0.1/32'] } },
  legacyDeny: { ipWhiteList: { sourceRange: ['::1'] } },
};
const routers = Object.fromEntries(Object.keys(middlewares).map((name) => [name, { rule: `PathPrefix(\`/${name}\`)`, service: 'echo', middlewares: [name] }]));
// The entry point trusts the test client's forwarding headers, as a gateway behind a load balancer would.
const gw = await startTestGateway({
  middlewares: [ipAllowListMiddleware, ipWhiteListMiddleware],
  static: { entryPoints: { web: { forwardedHeaders: { trustedIPs: ['127.0.0.1'] } } } },
  dynamic: { 'allow.yaml': { http: { routers, middlewares, services: { echo: service } } } },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});


t.test('who gets through (the test client is 127.0.0.1)', async (t) => {
  const cases: Array<{ name: string; path: string; xff?: string; status: number; body?: string; depth?: boolean }> = [
    { name: 'an address listed exactly is allowed', path: '/exact', status: 200 },
    { name: 'an address inside a CIDR range is allowed', path: '/loopback/x?y=1', status: 200 },
    { name: 'an address outside every range gets 403 Forbidden', path: '/tenNet', status: 403, body: 'Forbidden' },
    { name: 'by default X-Forwarded-For is ignored', path: '/tenNet', xff: '10.1.2.3', status: 403, body: 'Forbidden' },
    { name: 'rejectStatusCode replaces 403', path: '/notFound', status: 404, body: 'Not Found' },
    { name: 'depth 1 takes the last X-Forwarded-For address', depth: true, path: '/lastHop', xff: '198.51.100.7, 203.0.113.9', status: 200 },
    { name: 'depth 1 rejects when the last address is outside', depth: true, path: '/lastHop', xff: '203.0.113.9, 198.51.100.7', status: 403 },
    { name: 'depth beyond the list gives no address and is rejected', depth: true, path: '/secondHop', xff: '198.51.100.7', status: 403 },
    { name: 'depth 2 takes the second address from the right', depth: true, path: '/secondHop', xff: '198.51.100.7, 203.0.113.9', status: 200 },
    { name: 'IPv6 addresses match IPv6 ranges', depth: true, path: '/lastHop', xff: '192.0.2.5, 2001:db8::1', status: 200 },
    { name: 'an IPv4-mapped IPv6 address matches its IPv4 range', depth: true, path: '/lastHop', xff: '::ffff:203.0.113.4', status: 200 },
    { name: 'a value that is not an address is rejected', path: '/lastHop', xff: 'unknown', status: 403 },
    { name: 'an IPv6 client matches an IPv6 range', path: '/v6', xff: '2001:db8::1', status: 200 },
    { name: 'an IPv6 client outside the IPv6 range is rejected', path: '/v6', xff: '2001:db9::1', status: 403 },
    { name: 'an IPv4-mapped IPv6 client matches its IPv4 range', path: '/v6', xff: '::ffff:203.0.113.4', status: 200 },
    { name: 'ipv6Subnet masks the client to its /64 before matching', path: '/v6exact', xff: '2001:db8:1:2:aaaa:bbbb:cccc:dddd', status: 200 },
    { name: 'ipv6Subnet leaves another /64 outside', path: '/v6exact', xff: '2001:db8:1:3::1', status: 403 },
    { name: 'excludedIPs skips trusted proxies from the right', path: '/excluded', xff: '198.51.100.7, 203.0.113.9', status: 200 },
    { name: 'excludedIPs takes the first non-excluded address', path: '/excluded', xff: '198.51.100.7, 192.0.2.1, 203.0.113.9', status: 403 },
    { name: 'ipv6Subnet masks the address before matching', depth: true, path: '/subnet', xff: '2001:db8:1:2:aaaa:bbbb:cccc:dddd', status: 200 },
    { name: 'the deprecated ipWhiteList name behaves the same (allowed)', path: '/legacy', status: 200 },
    { name: 'the deprecated ipWhiteList name behaves the same (rejected)', path: '/legacyDeny', status: 403, body: 'Forbidden' },
  ];
  for (const c of cases) {
    // `depth` counts X-Forwarded-For as the request brought it, not the peer the entry point appends (Traefik).
    await t.test(c.name, async (t) => {
      const res = await fetch(gw.url(c.path), { headers: c.xff ? { 'x-forwarded-for': c.xff } : {} });
      t.equal(res.status, c.status);
      if (c.status === 200) {
        const echo = (await res.json()) as Echo;
        t.equal(echo.url, c.path, 'the request reached the server unchanged');
      } else {
        t.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
        const text = await res.text();
        if (c.body) t.equal(text, c.body);
      }
    });
  }
});

t.test('configuration errors disable the middleware and its router only', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a prefix length too long for IPv4', config: allow(['10.0.0.0/8', '10.0.0.0/33']), error: /sourceRange\[1\]: "10\.0\.0\.0\/33" is not an IP address or CIDR range/ },
    { name: 'a prefix length too long for IPv6', config: allow(['2001:db8::/129']), error: /sourceRange\[0\]: "2001:db8::\/129"/ },
    { name: 'a host name instead of an address', config: allow(['example.com']), error: /sourceRange\[0\]: "example\.com" is not an IP address/ },
    { name: 'a non-numeric prefix', config: allow(['10.0.0.0/abc']), error: /sourceRange\[0\]/ },
    { name: 'an empty sourceRange', config: allow([]), error: /sourceRange/ },
    { name: 'an unknown status code', config: allow(['10.0.0.0/8'], { rejectStatusCode: 999 }), error: /rejectStatusCode: invalid HTTP status code 999/ },
    { name: 'a bad excluded address', config: allow(['10.0.0.0/8'], { ipStrategy: { excludedIPs: ['nope'] } }), error: /ipStrategy\.excludedIPs\[0\]/ },
    { name: 'a bad range in the deprecated ipWhiteList', config: { ipWhiteList: { sourceRange: ['300.1.1.1'] } }, error: /sourceRange\[0\]: "300\.1\.1\.1"/ },
  ]);
});
