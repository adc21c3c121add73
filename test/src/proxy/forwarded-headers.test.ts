import t from 'tap';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '../../../src/http/context.js';
import { applyForwardedHeaders, forwardedHeadersApplied, trustedPeers } from '../../../src/proxy/forwarded-headers.js';

function ctx(overrides: Partial<RequestContext> = {}): RequestContext {
  return { entryPoint: 'web', tls: false, remoteAddr: '10.0.0.7', remotePort: 40000, host: 'app.test', path: '/', query: '', start: 0, ...overrides };
}

const spoofed: IncomingHttpHeaders = {
  host: 'app.test:8000',
  'x-forwarded-proto': 'https',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.test',
  'x-forwarded-port': '1',
  'x-forwarded-server': 'evil',
  'x-forwarded-uri': '/admin',
  'x-forwarded-method': 'DELETE',
  'x-forwarded-prefix': '/evil',
  'x-forwarded-tls-client-cert': 'x',
  'x-forwarded-tls-client-cert-info': 'x',
  'x-real-ip': '6.6.6.6',
  forwarded: 'for=6.6.6.6;proto=https',
  x_forwarded_for: '6.6.6.6',
  x_forwarded_proto: 'https',
  x_forwarded_prefix: '/evil',
  x_real_ip: '6.6.6.6',
  'x-forwarded_host': 'evil.test',
};

const untrustedExpected: IncomingHttpHeaders = {
  host: 'app.test:8000',
  'x-real-ip': '10.0.0.7',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'app.test:8000',
  'x-forwarded-port': '8000',
  'x-forwarded-server': 'gw',
  'x-forwarded-for': '10.0.0.7',
};

const table: Array<[string, IncomingHttpHeaders, Partial<RequestContext>, boolean, IncomingHttpHeaders]> = [
  ['an untrusted peer loses every managed header and alias, then gets ours', spoofed, {}, false, untrustedExpected],
  [
    'a trusted peer keeps its values and the peer is appended to X-Forwarded-For',
    { host: 'app.test', 'x-forwarded-proto': 'https', 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'front.test', 'x-forwarded-port': '443', 'x-real-ip': '1.2.3.4', 'x-forwarded-prefix': '/p' },
    {},
    true,
    { host: 'app.test', 'x-forwarded-proto': 'https', 'x-forwarded-for': '1.2.3.4, 10.0.0.7', 'x-forwarded-host': 'front.test', 'x-forwarded-port': '443', 'x-real-ip': '1.2.3.4', 'x-forwarded-prefix': '/p', 'x-forwarded-server': 'gw' },
  ],
  ['a trusted peer without forwarding headers gets ours', { host: 'app.test' }, {}, true, { host: 'app.test', 'x-real-ip': '10.0.0.7', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.test', 'x-forwarded-port': '80', 'x-forwarded-server': 'gw', 'x-forwarded-for': '10.0.0.7' }],
  ['TLS gives https and port 443', { host: 'app.test' }, { tls: true }, false, { host: 'app.test', 'x-real-ip': '10.0.0.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.test', 'x-forwarded-port': '443', 'x-forwarded-server': 'gw', 'x-forwarded-for': '10.0.0.7' }],
  [
    'a WebSocket upgrade gives ws, and wss over TLS',
    { host: 'app.test' },
    { tls: true, upgrade: { socket: undefined as never, head: Buffer.alloc(0) } },
    false,
    { host: 'app.test', 'x-real-ip': '10.0.0.7', 'x-forwarded-proto': 'wss', 'x-forwarded-host': 'app.test', 'x-forwarded-port': '443', 'x-forwarded-server': 'gw', 'x-forwarded-for': '10.0.0.7' },
  ],
  [
    'an IPv4-mapped IPv6 peer is written as IPv4',
    { host: 'app.test' },
    { remoteAddr: '::ffff:10.0.0.9' },
    false,
    { host: 'app.test', 'x-real-ip': '10.0.0.9', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.test', 'x-forwarded-port': '80', 'x-forwarded-server': 'gw', 'x-forwarded-for': '10.0.0.9' },
  ],
  ...(
    [
      // [Host, X-Forwarded-Port]: the digits after the last colon, else the scheme's port.
      ['app.test:8443', '8443'],
      ['[::1]:9000', '9000'],
      ['[::1]', '80'],
      ['app.test:', '80'],
      ['app.test:80a', '80'],
    ] as const
  ).map(([host, port]): [string, IncomingHttpHeaders, Partial<RequestContext>, boolean, IncomingHttpHeaders] => [
    `X-Forwarded-Port for Host ${host} is ${port}`,
    { host },
    {},
    false,
    { host, 'x-real-ip': '10.0.0.7', 'x-forwarded-proto': 'http', 'x-forwarded-host': host, 'x-forwarded-port': port, 'x-forwarded-server': 'gw', 'x-forwarded-for': '10.0.0.7' },
  ]),
];
for (const [name, headers, overrides, trusted, expected] of table) {
  t.test(name, async (t) => {
    const req = { headers: { ...headers } };
    applyForwardedHeaders(req, ctx(overrides), { trusted, serverName: 'gw' });
    t.same(req.headers, expected);
  });
}

t.test('applying marks the context so the forwarder does not apply twice', async (t) => {
  const context = ctx();
  t.notOk(forwardedHeadersApplied(context));
  applyForwardedHeaders({ headers: {} }, context, { trusted: false });
  t.ok(forwardedHeadersApplied(context));
});

const trust: Array<[string, string, string[], boolean, boolean]> = [
  ['an address in a trusted subnet is trusted', '10.1.2.3', ['10.0.0.0/8'], false, true],
  ['an address outside the trusted subnets is not trusted', '192.168.1.1', ['10.0.0.0/8', '172.16.0.0/12'], false, false],
  ['an exact trusted address is trusted', '127.0.0.1', ['127.0.0.1'], false, true],
  ['an IPv4-mapped IPv6 peer matches an IPv4 subnet', '::ffff:10.1.2.3', ['10.0.0.0/8'], false, true],
  ['an IPv6 peer matches an IPv6 subnet', '2001:db8::1', ['2001:db8::/32'], false, true],
  ['an IPv6 peer does not match an IPv4 subnet', '2001:db8::1', ['10.0.0.0/8'], false, false],
  ['insecure trusts everyone', '8.8.8.8', [], true, true],
  ['an empty list trusts no one', '127.0.0.1', [], false, false],
  ['a peer that is not an address is not trusted', 'unknown', ['0.0.0.0/0'], false, false],
  ['an IPv6 peer with a zone matches its subnet', 'fe80::1%eth0', ['fe80::/10'], false, true],
];
for (const [name, ip, list, insecure, expected] of trust) {
  t.test(name, async (t) => {
    t.equal(trustedPeers(list, insecure)(ip), expected);
  });
}

// Traefik refuses such a list at start-up; skipping the entry or reading `10.0.0.0/` as /0 (trust everyone) is worse.
const refused: Array<[string, string[]]> = [
  ['an entry that is not an address', ['10.0.0.1', 'not-an-ip']],
  ['a range without its prefix length', ['10.0.0.0/']],
  ['a prefix length that is not a number', ['10.0.0.0/x']],
  ['a prefix length too long for IPv4', ['10.0.0.0/33']],
];
for (const [name, list] of refused) {
  t.test(`a trusted list with ${name} is refused, naming the entry`, async (t) => {
    t.throws(() => trustedPeers(list, false), { message: `forwardedHeaders.trustedIPs[${list.length - 1}]: "${list.at(-1)}" is not an IP address or CIDR range` });
  });
}
