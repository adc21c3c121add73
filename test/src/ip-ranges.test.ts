import { BlockList } from 'node:net';
import t from 'tap';
import { badIpRanges, inIpRanges, ipRangeList, parseIpRange, unmapIPv4 } from '../../src/ip-ranges.js';

// What Go's ParseIP / ParseCIDR accept (Traefik reads every address list with them), and what they refuse.
const ranges: Array<[string, ReturnType<typeof parseIpRange>]> = [
  ['10.0.0.1', { address: '10.0.0.1', bits: 32, family: 'ipv4' }],
  ['10.0.0.0/8', { address: '10.0.0.0', bits: 8, family: 'ipv4' }],
  ['0.0.0.0/0', { address: '0.0.0.0', bits: 0, family: 'ipv4' }],
  ['2001:db8::/32', { address: '2001:db8::', bits: 32, family: 'ipv6' }],
  ['::1', { address: '::1', bits: 128, family: 'ipv6' }],
  ['::ffff:10.0.0.1', { address: '10.0.0.1', bits: 32, family: 'ipv4' }],
  ['::FFFF:10.0.0.1', { address: '10.0.0.1', bits: 32, family: 'ipv4' }],
  ['::ffff:10.0.0.0/104', { address: '::ffff:10.0.0.0', bits: 104, family: 'ipv6' }],
  ['10.0.0.0/', undefined],
  ['10.0.0.0/x', undefined],
  ['10.0.0.0/-1', undefined],
  ['10.0.0.0/ 8', undefined],
  ['10.0.0.0/33', undefined],
  ['10.0.0.0/8/9', undefined],
  ['2001:db8::/129', undefined],
  ['10.0.0', undefined],
  ['not-an-ip', undefined],
  ['', undefined],
  [' 10.0.0.1', undefined],
  ['/8', undefined],
];
for (const [text, expected] of ranges) {
  t.test(`"${text}" reads as ${expected ? `${expected.address}/${expected.bits}` : 'no range'}`, async (t) => {
    t.same(parseIpRange(text), expected);
  });
}

const membership: Array<[string, string[], string, boolean]> = [
  ['an address in a range', ['10.0.0.0/8'], '10.1.2.3', true],
  ['an address outside every range', ['10.0.0.0/8', '192.168.0.0/16'], '172.16.0.1', false],
  ['an exact address', ['127.0.0.1'], '127.0.0.1', true],
  ['a mapped client against an IPv4 range', ['10.0.0.0/8'], '::ffff:10.1.2.3', true],
  ['a client against a mapped entry', ['::ffff:10.0.0.1'], '10.0.0.1', true],
  ['an IPv6 client with a zone', ['fe80::/10'], 'fe80::1%eth0', true],
  ['an IPv6 client against an IPv4 range', ['0.0.0.0/0'], '2001:db8::1', false],
  ['a client that is not an address', ['0.0.0.0/0'], 'unknown', false],
  ['an empty client', ['0.0.0.0/0'], '', false],
  ['entries with spaces around them', [' 10.0.0.0/8 '], '10.0.0.1', true],
];
for (const [name, entries, ip, expected] of membership) {
  t.test(`${name}: ${expected ? 'in' : 'not in'} the list`, async (t) => {
    t.equal(inIpRanges(ipRangeList(entries, 'list'), ip), expected);
  });
}

t.test('a list names its first bad entry by key and index', async (t) => {
  t.throws(() => ipRangeList(['10.0.0.1', '10.0.0.0/', 'x'], 'sourceRange'), { message: 'sourceRange[1]: "10.0.0.0/" is not an IP address or CIDR range' });
  t.ok(ipRangeList([], 'empty') instanceof BlockList);
});

t.test('badIpRanges lists every entry that is not an address or range, strings or not', async (t) => {
  t.same(badIpRanges(['10.0.0.1', '10.0.0.0/', 7, ' ::1 ', 'x']), [
    [1, '10.0.0.0/'],
    [2, 7],
    [4, 'x'],
  ]);
});

t.test('only IPv4-mapped addresses are unmapped', async (t) => {
  t.equal(unmapIPv4('::ffff:1.2.3.4'), '1.2.3.4');
  t.equal(unmapIPv4('::ffff:1.2.3'), '::ffff:1.2.3');
  t.equal(unmapIPv4('::1'), '::1');
  t.equal(unmapIPv4('::ffff:0.0.0.0'), '0.0.0.0');
  t.equal(unmapIPv4('10.0.0.1'), '10.0.0.1');
});
