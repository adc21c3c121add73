import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { setContext } from '../../../src/http/context.js';
import { createIpStrategy, maskIPv6 } from '../../../src/middleware/ip-strategy.js';
import { createSourceKey } from '../../../src/middleware/source-criterion.js';

function request(xff: string | undefined, remoteAddr = '10.9.9.9', headers: Record<string, string> = {}): IncomingMessage {
  const req = { headers: { ...(xff === undefined ? {} : { 'x-forwarded-for': xff }), ...headers } } as unknown as IncomingMessage;
  setContext(req, { entryPoint: 'web', tls: false, remoteAddr, remotePort: 1, host: 'app.test', path: '/', query: '', start: 0 });
  return req;
}

// The reference's own example (traefik-behaviour.md §2.5, ipStrategy semantics).
const XFF = '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1';
const cases: Array<[string, Parameters<typeof createIpStrategy>[0], string | undefined, string]> = [
  ['no strategy uses the peer address', undefined, XFF, '10.9.9.9'],
  ['depth 1 is the last address', { depth: 1 }, XFF, '13.0.0.1'],
  ['depth 3 is the third from the right', { depth: 3 }, XFF, '11.0.0.1'],
  ['depth past the list is empty', { depth: 5 }, XFF, ''],
  ['excluded addresses are skipped from the right', { excludedIPs: ['12.0.0.1', '13.0.0.1'] }, XFF, '11.0.0.1'],
  ['excluded addresses not in the list change nothing', { excludedIPs: ['15.0.0.1', '16.0.0.1'] }, XFF, '13.0.0.1'],
  ['excluded ranges work as CIDR', { excludedIPs: ['12.0.0.0/7'] }, XFF, '11.0.0.1'],
  ['depth wins over excludedIPs', { depth: 2, excludedIPs: ['12.0.0.1'] }, XFF, '12.0.0.1'],
  ['ipv6Subnet masks an IPv6 peer', { ipv6Subnet: 64 }, undefined, '2001:db8:1:2::'],
  ['a missing header with depth gives empty', { depth: 1 }, undefined, ''],
];
for (const [name, config, xff, expected] of cases) {
  t.test(name, async (t) => {
    const peer = name.includes('IPv6') ? '2001:db8:1:2:aaaa:bbbb:cccc:dddd' : '10.9.9.9';
    t.equal(createIpStrategy(config)(request(xff, peer)), expected);
  });
}

t.test('IPv6 masking follows the prefix length', async (t) => {
  t.equal(maskIPv6('::abcd:1111:2222:3333', 64), '::');
  t.equal(maskIPv6('2001:db8::1', 32), '2001:db8::');
  t.equal(maskIPv6('10.0.0.1', 64), '10.0.0.1');
});

t.test('a bad excluded IP is an error naming it', async (t) => {
  t.throws(() => createIpStrategy({ excludedIPs: ['nope'] }), /ipStrategy\.excludedIPs\[0\]: "nope"/);
});

t.test('source criteria pick the header, the host, or the address', async (t) => {
  const req = request('1.1.1.1', '10.9.9.9', { 'x-api-key': 'k1' });
  t.equal(createSourceKey({ requestHeaderName: 'X-Api-Key' }, 'ip')(req), 'k1');
  t.equal(createSourceKey({ requestHost: true }, 'ip')(req), 'app.test');
  t.equal(createSourceKey(undefined, 'ip')(req), '10.9.9.9');
  t.equal(createSourceKey(undefined, 'host')(req), 'app.test');
  t.equal(createSourceKey({ ipStrategy: { depth: 1 } }, 'host')(req), '1.1.1.1');
  t.throws(() => createSourceKey({ requestHost: true, requestHeaderName: 'a' }, 'ip'), /only one/);
});
