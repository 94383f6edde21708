/**
 * Pod IPs of one simulated node, from its /24 pod CIDR like CNI host-local does it: .1 is the
 * gateway, addresses .2–.254 are handed out round-robin after the last one given, skipping those
 * in use; a released address is reused only after the others.
 */
import { ipToNumber, numberToIP } from './node-object.js';

const FIRST = 2;
const LAST = 254;

export class IPPool {
  private readonly base: number;
  private readonly used = new Set<number>();
  private last = FIRST - 1;

  constructor(readonly cidr: string) {
    this.base = (ipToNumber(cidr.split('/')[0] ?? '') & ~255) >>> 0;
  }

  /** The next free address, or undefined when all are taken. */
  allocate(): string | undefined {
    const size = LAST - FIRST + 1;
    for (let i = 1; i <= size; i++) {
      const host = FIRST + ((this.last - FIRST + i) % size);
      if (this.used.has(host)) continue;
      this.used.add(host);
      this.last = host;
      return numberToIP(this.base + host);
    }
    return undefined;
  }

  /** Marks an address found in use (a pod adopted from an earlier run); false when not ours. */
  reserve(ip: string): boolean {
    const host = this.hostPart(ip);
    if (host === undefined) return false;
    this.used.add(host);
    return true;
  }

  release(ip: string): void {
    const host = this.hostPart(ip);
    if (host !== undefined) this.used.delete(host);
  }

  get inUse(): number {
    return this.used.size;
  }

  private hostPart(ip: string): number | undefined {
    let n: number;
    try {
      n = ipToNumber(ip);
    } catch {
      return undefined;
    }
    const host = n - this.base;
    return host >= FIRST && host <= LAST ? host : undefined;
  }
}
