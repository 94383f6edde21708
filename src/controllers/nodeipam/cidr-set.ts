/**
 * The pod subnets of a cluster CIDR (upstream's `cidrset`): `10.244.0.0/16` cut into `/24`s, handed
 * out round robin from after the last one given, so a subnet just released is not reused at once.
 */
import { intToIPv4, ipv4ToInt } from '../../apiserver/service-ip/cidr.js';

export class CidrSet {
  readonly clusterCIDR: string;
  private readonly base: number;
  private readonly subnetSize: number;
  private readonly count: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(
    clusterCIDR: string,
    readonly maskSize: number,
  ) {
    const [ip = '', bitsText = ''] = clusterCIDR.split('/');
    const bits = Number(bitsText);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+$/.test(bitsText) || bits < 1 || bits > 32)
      throw new Error(`cluster CIDR ${clusterCIDR}: must be an IPv4 CIDR`);
    if (!Number.isInteger(maskSize) || maskSize < bits || maskSize > 30)
      throw new Error(`node CIDR mask size ${maskSize}: must be between ${bits} and 30`);
    const size = 2 ** (32 - bits);
    this.base = ipv4ToInt(ip) - (ipv4ToInt(ip) % size);
    this.clusterCIDR = `${intToIPv4(this.base)}/${bits}`;
    this.subnetSize = 2 ** (32 - maskSize);
    this.count = 2 ** (maskSize - bits);
  }

  /** The index of `cidr` in this set, or undefined when it is not one of its subnets. */
  private indexOf(cidr: string): number | undefined {
    const [ip = '', bits = ''] = cidr.split('/');
    if (Number(bits) !== this.maskSize || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
    const offset = ipv4ToInt(ip) - this.base;
    if (offset < 0 || offset % this.subnetSize !== 0) return undefined;
    const index = offset / this.subnetSize;
    return index < this.count ? index : undefined;
  }

  /** Marks a subnet given elsewhere (a node's own `--pod-cidr`) as taken; false when outside the set. */
  occupy(cidr: string): boolean {
    const index = this.indexOf(cidr);
    if (index === undefined) return false;
    this.used.add(index);
    return true;
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index !== undefined) this.used.delete(index);
  }

  /** The next free subnet, or undefined when all are taken. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.count; i++) {
      const index = (this.next + i) % this.count;
      if (this.used.has(index)) continue;
      this.used.add(index);
      this.next = (index + 1) % this.count;
      return `${intToIPv4(this.base + index * this.subnetSize)}/${this.maskSize}`;
    }
    return undefined;
  }
}
