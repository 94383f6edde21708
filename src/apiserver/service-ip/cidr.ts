/**
 * IPv4 service ranges: a CIDR as a base address and a size, addresses as 32-bit integers.
 * (Only IPv4 service ranges are supported; an IPv6 range is refused by name.)
 */
import { isIP } from 'node:net';

export interface IPv4Range {
  /** The CIDR as given, e.g. `10.96.0.0/12`. */
  cidr: string;
  /** The network address as an integer. */
  base: number;
  /** Number of addresses in the CIDR, network and broadcast addresses included. */
  size: number;
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseIPv4Range(cidr: string): IPv4Range {
  const [ip = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) === 6) throw new Error(`service CIDR ${cidr}: IPv6 service ranges are not supported`);
  if (isIP(ip) !== 4 || !/^\d+$/.test(bitsText) || bits < 8 || bits > 30) {
    throw new Error(`service CIDR ${cidr}: must be an IPv4 CIDR with a prefix length between 8 and 30`);
  }
  const size = 2 ** (32 - bits);
  const base = ipv4ToInt(ip) - (ipv4ToInt(ip) % size);
  return { cidr: `${intToIPv4(base)}/${bits}`, base, size };
}

/** The offset of `ip` in the range, or undefined when it is not an IPv4 address inside it. */
export function offsetInRange(range: IPv4Range, ip: string): number | undefined {
  if (isIP(ip) !== 4) return undefined;
  const offset = ipv4ToInt(ip) - range.base;
  return offset >= 0 && offset < range.size ? offset : undefined;
}
