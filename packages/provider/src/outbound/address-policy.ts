import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Special-purpose ranges a URL chosen by a client or a config file must not reach (CWE-918, CIMD draft
 * §8.6 "SSRF"): this host (loopback, "this network"), private networks, carrier-grade NAT, link-local
 * (which holds the cloud metadata address 169.254.169.254), documentation, benchmarking, multicast,
 * reserved and broadcast (RFC 6890 registries). IPv6 likewise, including unique-local (fc00::/7, where
 * AWS's fd00:ec2::254 lives) and the prefixes that embed an IPv4 address (NAT64, 6to4), which are
 * refused whole rather than unpacked.
 */
const SPECIAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;
const SPECIAL_V6 = [
  '::/128',
  '::1/128',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
] as const;

export interface AddressPolicy {
  /** True when an outbound connection to this IP address is allowed. */
  allows(address: string): boolean;
}

/**
 * Public addresses only, except the ranges the operator allows (`outbound.allowedAddresses`, e.g.
 * `127.0.0.1/32` for tests and development). An IPv4-mapped IPv6 address is judged as its IPv4 address.
 */
export function createAddressPolicy(allowedRanges: readonly string[] = []): AddressPolicy {
  const special = new BlockList();
  for (const range of SPECIAL_V4) addRange(special, range);
  for (const range of SPECIAL_V6) addRange(special, range);
  const allowed = new BlockList();
  for (const range of allowedRanges) addRange(allowed, range);
  return {
    allows(address) {
      const ip = unmapIpv4(address);
      const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
      if (family === undefined) return false;
      if (allowed.check(ip, family)) return true;
      return !special.check(ip, family);
    },
  };
}

function addRange(list: BlockList, range: string): void {
  const [address = '', prefix] = range.split('/');
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

/** `::ffff:10.0.0.1` and `::ffff:a00:1` are 10.0.0.1. */
function unmapIpv4(address: string): string {
  const lower = address.toLowerCase();
  if (!lower.startsWith('::ffff:')) return address;
  const rest = lower.slice(7);
  if (isIPv4(rest)) return rest;
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (match === null) return address;
  const high = Number.parseInt(match[1]!, 16);
  const low = Number.parseInt(match[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
