/**
 * Routes to the other nodes' pod subnets (a host-gw backend, as flannel's): for every other Node
 * with a `spec.podCIDR` and an InternalIP, `ip route replace <podCIDR> via <InternalIP>`. The
 * nodes must share a link (one L2 segment); pod traffic then crosses nodes unencapsulated.
 * Cairn's routes carry their own protocol number, so a sync removes exactly the stale ones of
 * its own and never touches other routes.
 *
 *   Node informer ─▶ debounce ─▶ desired (other nodes) vs `ip route show proto 98` ─▶ replace / del
 */
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import type { Node } from 'kubernetes-types/core/v1.js';
import { ipv4ToInt } from '../../apiserver/service-ip/cidr.js';
import { type Client, Informer } from '../../client/index.js';
import { coalescingSync } from '../../util/coalescing-sync.js';
import type { Logger } from '../../util/log.js';
import { type ExecFileFn, defaultExecFile } from './bridge.js';

/** The rtnetlink protocol of Cairn's routes (an unassigned number, shown by `ip route` as 98). */
export const ROUTE_PROTOCOL = '98';

export interface PodRoute {
  /** A pod subnet, e.g. `10.244.1.0/24`. */
  dst: string;
  /** The node's InternalIP. */
  via: string;
}

/** The route to each other node's pod subnets (nodes this host shares no link with are left out). */
export function desiredRoutes(
  nodes: Iterable<Node>,
  self: string,
  onLink: (ip: string) => boolean = () => true,
): PodRoute[] {
  const routes: PodRoute[] = [];
  for (const node of nodes) {
    if (node.metadata?.name === self || node.metadata?.deletionTimestamp) continue;
    const via = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const cidrs = node.spec?.podCIDRs?.length
      ? node.spec.podCIDRs
      : node.spec?.podCIDR
        ? [node.spec.podCIDR]
        : [];
    if (!via || via.includes(':') || !onLink(via)) continue;
    for (const dst of cidrs) if (!dst.includes(':')) routes.push({ dst, via });
  }
  return routes;
}

/** What to replace (missing or with another gateway) and what to delete (no node wants it). */
export function planRoutes(
  desired: PodRoute[],
  current: PodRoute[],
): { replace: PodRoute[]; remove: PodRoute[] } {
  const have = new Map(current.map((r) => [r.dst, r.via]));
  const want = new Set(desired.map((r) => r.dst));
  return {
    replace: desired.filter((r) => have.get(r.dst) !== r.via),
    remove: current.filter((r) => !want.has(r.dst)),
  };
}

/** Cairn's routes from `ip -j route show proto 98`. */
export function parseRoutes(json: string): PodRoute[] {
  const entries = JSON.parse(json || '[]') as Array<{ dst?: string; gateway?: string }>;
  return entries.flatMap((e) => (e.dst && e.gateway ? [{ dst: normalise(e.dst), via: e.gateway }] : []));
}

/** `ip route` prints a /32 without its prefix length. */
const normalise = (dst: string) => (dst.includes('/') ? dst : `${dst}/32`);

/** Whether `ip` is on one of this host's IPv4 subnets (default: the host's interfaces now). */
export function onHostLink(
  ip: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): boolean {
  for (const addrs of Object.values(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' || a.internal || !a.cidr) continue;
      const bits = Number(a.cidr.split('/')[1]);
      const size = 2 ** (32 - bits);
      if (Math.floor(ipv4ToInt(a.address) / size) === Math.floor(ipv4ToInt(ip) / size)) return true;
    }
  }
  return false;
}

export interface PodRoutesOptions {
  client: Client;
  nodeName: string;
  logger: Logger;
  signal: AbortSignal;
  /** Runs `ip` (default: child_process.execFile of /usr/sbin/ip). */
  exec?: ExecFileFn;
  /** Full resync period (default 30 s). */
  syncPeriodMs?: number;
  /** Whether a node's InternalIP shares a link with this host (default: `onHostLink`). */
  onLink?: (ip: string) => boolean;
}

export interface PodRoutes {
  sync(): Promise<void>;
  /** Removes every route this agent made. */
  cleanup(): Promise<void>;
}

export async function startPodRoutes(o: PodRoutesOptions): Promise<PodRoutes> {
  const exec = o.exec ?? defaultExecFile;
  const ip = (args: string[]) => exec('/usr/sbin/ip', args);
  const current = async () =>
    parseRoutes((await ip(['-j', 'route', 'show', 'proto', ROUTE_PROTOCOL])).stdout);
  const unroutable = new Set<string>();
  const nodes = new Informer<Node>({
    client: o.client.nodes,
    handlers: {
      onAdd: () => runner.schedule(),
      onUpdate: () => runner.schedule(),
      onDelete: () => runner.schedule(),
    },
    logger: o.logger,
  });
  const runner = coalescingSync({
    what: 'pod routes',
    logger: o.logger,
    signal: o.signal,
    run: async () => {
      const plan = planRoutes(
        desiredRoutes(nodes.store.values(), o.nodeName, o.onLink ?? ((ip) => onHostLink(ip))),
        await current(),
      );
      for (const r of plan.replace) {
        // a route the kernel refuses is skipped, said once
        await ip(['route', 'replace', r.dst, 'via', r.via, 'proto', ROUTE_PROTOCOL]).catch((err: Error) => {
          const key = `${r.dst} via ${r.via}`;
          if (unroutable.has(key)) return;
          unroutable.add(key);
          o.logger.warn({ route: key, err: err.message.trim() }, 'no route to a node’s pod subnet');
        });
      }
      for (const r of plan.remove) await ip(['route', 'del', r.dst, 'proto', ROUTE_PROTOCOL]);
      if (plan.replace.length || plan.remove.length)
        o.logger.debug({ replaced: plan.replace, removed: plan.remove }, 'pod routes synced');
    },
  });
  await nodes.start(o.signal);
  await runner.sync();
  const period = setInterval(() => runner.schedule(), o.syncPeriodMs ?? 30_000);
  period.unref();
  o.signal.addEventListener('abort', () => clearInterval(period), { once: true });
  return {
    sync: runner.sync,
    async cleanup() {
      for (const r of await current()) await ip(['route', 'del', r.dst, 'proto', ROUTE_PROTOCOL]);
    },
  };
}
