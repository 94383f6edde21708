/**
 * Node ports from the service node port range (upstream's portallocator, default
 * 30000-32767), one store record per port — the same scheme as the cluster IPs.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Store } from '../../storage/interface.js';
import type { AllocateResult } from './ip-allocator.js';
import { Reservations, type ServiceGetter, type ServiceOwner } from './reservations.js';

export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export const NODE_PORTS_PREFIX = '/registry/ranges/servicenodeports/';

export interface PortRange {
  base: number;
  size: number;
}

export function parsePortRange(text: string): PortRange {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) {
    throw new Error(`node port range ${text}: must be LOW-HIGH within 1-65535`);
  }
  return { base: lo, size: hi - lo + 1 };
}

/** Every node port `svc` uses (ports and health check). */
export function nodePortsOf(svc: Service): number[] {
  const ports = (svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
  return [...ports, svc.spec?.healthCheckNodePort ?? 0].filter((p) => p > 0);
}

export interface NodePortAllocatorOptions {
  store: Store;
  nodePortRange?: string;
  getService: ServiceGetter;
  now?: () => Date;
  pendingMs?: number;
  random?: () => number;
}

export class NodePortAllocator {
  readonly range: PortRange;
  private readonly reservations: Reservations;
  private readonly random: () => number;

  constructor(o: NodePortAllocatorOptions) {
    this.range = parsePortRange(o.nodePortRange ?? DEFAULT_NODE_PORT_RANGE);
    this.random = o.random ?? Math.random;
    this.reservations = new Reservations({
      store: o.store,
      prefix: NODE_PORTS_PREFIX,
      getService: o.getService,
      holds: (svc, port) => nodePortsOf(svc).includes(Number(port)),
      now: o.now ?? (() => new Date()),
      pendingMs: o.pendingMs ?? 60_000,
    });
  }

  async allocate(port: number, owner: ServiceOwner): Promise<AllocateResult> {
    const { base, size } = this.range;
    if (port < base || port >= base + size) {
      return {
        ok: false,
        reason:
          'provided port is not in the valid range. ' +
          `The range of valid ports is ${base}-${base + size - 1}`,
      };
    }
    if (await this.reservations.claim(String(port), owner)) return { ok: true };
    return { ok: false, reason: 'provided port is already allocated' };
  }

  /** A free port; undefined when the range is full. */
  async allocateNext(owner: ServiceOwner): Promise<number | undefined> {
    const recorded = await this.reservations.recorded();
    const { base, size } = this.range;
    const start = Math.floor(this.random() * size);
    for (let i = 0; i < size; i++) {
      const port = base + ((start + i) % size);
      if (recorded.has(String(port))) continue;
      if (await this.reservations.claim(String(port), owner)) return port;
    }
    for (const id of recorded.keys()) {
      const port = Number(id);
      if (port < base || port >= base + size) continue;
      if (await this.reservations.claim(id, owner)) return port;
    }
    return undefined;
  }
}
