import { Type, type Static } from '@sinclair/typebox';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { getContext } from '../http/context.js';
import { inIpRanges, ipRangeList } from '../ip-ranges.js';

/** `ipStrategy`, shared by ipAllowList, rateLimit and inFlightReq (Traefik's semantics). */
export const IpStrategySchema = Type.Object(
  {
    depth: Type.Optional(Type.Integer({ minimum: 0, description: 'Use the n-th address from the right of X-Forwarded-For (1 = the last).' })),
    excludedIPs: Type.Optional(Type.Array(Type.String(), { description: 'Use the first address from the right of X-Forwarded-For not in these.' })),
    ipv6Subnet: Type.Optional(Type.Integer({ minimum: 0, maximum: 128, description: 'Mask IPv6 addresses to this prefix length.' })),
  },
  { additionalProperties: false },
);

/** The options of an IP strategy. */
export type IpStrategyConfig = Static<typeof IpStrategySchema>;

// The list as the request brought it: the peer the entry point appends is not a hop to count (Traefik).
function xffList(req: IncomingMessage): string[] {
  const received = getContext(req).forwardedFor;
  if (received) return received;
  const raw = req.headers['x-forwarded-for'];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Masks an IPv6 address to `bits` (`::abcd:1111:2222:3333`/64 → `::`); IPv4 is left alone. */
export function maskIPv6(ip: string, bits: number): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expand(ip);
  const out: number[] = groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
  });
  return compress(out);
}

function expand(ip: string): number[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const zeros = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
}

function compress(groups: number[]): string {
  const hex = groups.map((g) => g.toString(16));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** Builds the function that picks the client address of a request; throws naming a bad excluded IP. */
export function createIpStrategy(config: IpStrategyConfig | undefined, key = 'ipStrategy'): (req: IncomingMessage) => string {
  const subnet = config?.ipv6Subnet;
  const mask = (ip: string) => (subnet === undefined ? ip : maskIPv6(ip, subnet));
  if (config?.depth !== undefined && config.depth > 0) {
    const depth = config.depth;
    // Depth wins over excludedIPs (Traefik); past the list's length there is no address.
    return (req) => {
      const list = xffList(req);
      return list.length >= depth ? mask(list[list.length - depth]!) : '';
    };
  }
  if (config?.excludedIPs?.length) {
    const excluded = ipRangeList(config.excludedIPs, `${key}.excludedIPs`);
    return (req) => {
      const list = xffList(req);
      for (let i = list.length - 1; i >= 0; i--) {
        const ip = list[i]!;
        if (!inIpRanges(excluded, ip)) return mask(ip);
      }
      return '';
    };
  }
  return (req) => mask(getContext(req).remoteAddr);
}
