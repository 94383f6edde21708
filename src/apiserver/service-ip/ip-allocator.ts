/**
 * Cluster IPs from the service CIDR (upstream's ipallocator). The network and broadcast
 * addresses are never handed out, and `.1` only on request: it is the `kubernetes` Service's.
 * As upstream since KEP-3070, dynamic allocation prefers the upper part of the range, leaving
 * the lower band (16 to 256 addresses) to static assignments such as the DNS Service's `.10`.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import { type IPv4Range, intToIPv4, offsetInRange, parseIPv4Range } from './cidr.js';
import { Reservations, type ServiceGetter, type ServiceOwner } from './reservations.js';
import type { Store } from '../../storage/interface.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export const IP_ADDRESSES_PREFIX = '/registry/networking.k8s.io/ipaddresses/';

export interface ClusterIPAllocatorOptions {
  store: Store;
  serviceCIDR?: string;
  getService: ServiceGetter;
  now?: () => Date;
  /** How long a fresh record is presumed to belong to a write still in flight. */
  pendingMs?: number;
  random?: () => number;
}

export type AllocateResult = { ok: true } | { ok: false; reason: string };

export class ClusterIPAllocator {
  readonly range: IPv4Range;
  private readonly reservations: Reservations;
  private readonly random: () => number;

  constructor(o: ClusterIPAllocatorOptions) {
    this.range = parseIPv4Range(o.serviceCIDR ?? DEFAULT_SERVICE_CIDR);
    this.random = o.random ?? Math.random;
    this.reservations = new Reservations({
      store: o.store,
      prefix: IP_ADDRESSES_PREFIX,
      getService: o.getService,
      holds: (svc: Service, ip: string) => (svc.spec?.clusterIPs ?? []).includes(ip),
      now: o.now ?? (() => new Date()),
      pendingMs: o.pendingMs ?? 60_000,
      decorate: (r) => {
        r.apiVersion = 'networking.k8s.io/v1';
        r.kind = 'IPAddress';
        r.metadata.labels = {
          'ipaddress.kubernetes.io/ip-family': 'IPv4',
          'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io',
        };
      },
    });
  }

  /** The first address of the range: the `kubernetes` Service's cluster IP. */
  get kubernetesServiceIP(): string {
    return intToIPv4(this.range.base + 1);
  }

  /** Takes a requested IP, with upstream's error texts. */
  async allocate(ip: string, owner: ServiceOwner): Promise<AllocateResult> {
    const offset = offsetInRange(this.range, ip);
    if (offset === undefined || offset === 0 || offset === this.range.size - 1) {
      return {
        ok: false,
        reason:
          `the provided IP (${ip}) is not in the valid range. ` +
          `The range of valid IPs is ${this.range.cidr}`,
      };
    }
    if (await this.reservations.claim(ip, owner)) return { ok: true };
    return { ok: false, reason: 'provided IP is already allocated' };
  }

  /** Takes a free IP; undefined when the range is full. */
  async allocateNext(owner: ServiceOwner): Promise<string | undefined> {
    const recorded = await this.reservations.recorded();
    const last = this.range.size - 2;
    const bandEnd = Math.min(Math.max(16, Math.floor(this.range.size / 16)), 256);
    // Upper band first, then the lower one (without `.1`).
    const bands: [number, number][] = [
      [bandEnd + 1, last],
      [2, Math.min(bandEnd, last)],
    ];
    for (const [from, to] of bands) {
      const count = to - from + 1;
      if (count <= 0) continue;
      const start = Math.floor(this.random() * count);
      for (let i = 0; i < count; i++) {
        const ip = intToIPv4(this.range.base + from + ((start + i) % count));
        if (recorded.has(ip)) continue;
        if (await this.reservations.claim(ip, owner)) return ip;
      }
    }
    // Every address has a record: take over one whose Service is gone.
    for (const ip of recorded.keys()) {
      const offset = offsetInRange(this.range, ip);
      if (offset === undefined || offset < 2 || offset > last) continue;
      if (await this.reservations.claim(ip, owner)) return ip;
    }
    return undefined;
  }
}
