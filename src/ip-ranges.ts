import { BlockList, isIP } from 'node:net';

/**
 * IP addresses and CIDR ranges as Traefik reads them (Go's ParseIP and ParseCIDR): an address, or an
 * address, `/` and a prefix length of at most 32 (IPv4) or 128 (IPv6) written in digits. Nothing else
 * is a range: `10.0.0.0/` is not `10.0.0.0/0` (Number('') is 0, which in a trusted list would trust
 * every peer). An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is its IPv4 address, on either side.
 * Every list of addresses in the configuration goes through here: forwardedHeaders.trustedIPs,
 * ipAllowList.sourceRange, ipStrategy.excludedIPs and the ClientIP matcher.
 */
export interface IpRange {
  address: string;
  bits: number;
  family: 'ipv4' | 'ipv6';
}

/** Reads one address or range exactly as written (no trimming); undefined when it is neither. */
export function parseIpRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const written = slash < 0 ? text : text.slice(0, slash);
  // A mapped address alone is its IPv4 address; a mapped range stays IPv6, as Go keeps it.
  const address = slash < 0 ? unmapIPv4(written) : written;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const bitsText = slash < 0 ? undefined : text.slice(slash + 1);
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return undefined;
  return { address, bits, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Builds the list of `entries` (each trimmed); throws naming the first entry that is not an address or
 * range: `key[i]: "entry" is not an IP address or CIDR range`.
 */
export function ipRangeList(entries: readonly string[], key: string): BlockList {
  const list = new BlockList();
  entries.forEach((entry, i) => {
    const range = parseIpRange(entry.trim());
    if (!range) throw new Error(`${key}[${i}]: "${entry}" is not an IP address or CIDR range`);
    list.addSubnet(range.address, range.bits, range.family);
  });
  return list;
}

/** The indexes and texts of the entries that are not addresses or ranges. */
export function badIpRanges(entries: readonly unknown[]): Array<[number, unknown]> {
  return entries.flatMap((entry, i): Array<[number, unknown]> => (typeof entry === 'string' && parseIpRange(entry.trim()) ? [] : [[i, entry]]));
}

/** True when `ip` (a peer or header value: a zone `%eth0` is ignored, a mapped IPv4 is unmapped) is in `list`. */
export function inIpRanges(list: BlockList, ip: string): boolean {
  const zone = ip.indexOf('%');
  const address = unmapIPv4(zone < 0 ? ip : ip.slice(0, zone));
  const version = isIP(address);
  return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/** Strips an IPv4-mapped IPv6 prefix so `::ffff:10.0.0.1` compares as `10.0.0.1`. */
export function unmapIPv4(ip: string): string {
  // Read per request: an address that cannot be mapped (shorter than `::ffff:0.0.0.0`, or not
  // starting with `:`) is answered without building a string.
  if (ip.length < 14 || ip.charCodeAt(0) !== 58) return ip;
  return ip.slice(0, 7).toLowerCase() === '::ffff:' && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
