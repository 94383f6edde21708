/**
 * Cluster DNS in one call, on any address: informers over Services, EndpointSlices and (for
 * `pods verified`) Pods feed a `RecordsCache`; the zone answers from it; other names go to the
 * host's resolvers. The agent runs it on its bridge gateway; a `kube-dns` Service at 10.96.0.10
 * could run it there the same way.
 *
 *   list+watch Services, EndpointSlices, Pods ─▶ RecordsCache ─▶ Zone ─┐
 *   /etc/resolv.conf nameservers (minus our own address) ─▶ forward ───┴▶ handler ─▶ UDP+TCP :53
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { Informer, type KubeObject, type ListerWatcher, type ResourceRef } from '../client/index.js';
import type { Logger } from '../util/log.js';
import { createForwarder, hostUpstreams, type Upstream } from './forward.js';
import { createHandler } from './handler.js';
import { RecordsCache } from './records.js';
import { listenDNS } from './server.js';
import { type PodsMode, Zone } from './zone.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** CoreDNS's kubernetes plugin default TTL. */
export const DEFAULT_TTL_SECONDS = 5;

export const dnsResources = {
  services: { group: '', version: 'v1', plural: 'services', namespaced: true },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
  pods: { group: '', version: 'v1', plural: 'pods', namespaced: true },
} as const satisfies Record<string, ResourceRef>;

/** What cluster DNS needs of a client (`Client` has it): list+watch of a resource. */
export interface ResourceSource {
  resource<T extends KubeObject>(ref: ResourceRef): ListerWatcher<T>;
}

export interface ClusterDNSOptions {
  client: ResourceSource;
  /** Where to listen (the agent: its bridge gateway). */
  address: string;
  /** default 53; 0 = a free port */
  port?: number;
  /** default cluster.local */
  domain?: string;
  /** default 5 s */
  ttl?: number;
  /** default `verified` */
  pods?: PodsMode;
  /** default: the nameservers of `resolvConf`, our own address left out (no forwarding loops) */
  upstreams?: Upstream[];
  /** default /etc/resolv.conf */
  resolvConf?: string;
  /** How long to wait for the informers' first lists before serving anyway (default 5 s). */
  syncTimeoutMs?: number;
  /** per upstream (default 2 s) */
  forwardTimeoutMs?: number;
  logger: Logger;
  signal: AbortSignal;
}

export interface ClusterDNS {
  address: string;
  port: number;
  domain: string;
  records: RecordsCache;
  stop(): Promise<void>;
}

export async function startClusterDNS(o: ClusterDNSOptions): Promise<ClusterDNS> {
  const domain = (o.domain ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
  const pods = o.pods ?? 'verified';
  const records = new RecordsCache();
  const handlers = records.handlers();
  const abort = new AbortController();
  const signal = AbortSignal.any([o.signal, abort.signal]);
  const informers = [
    new Informer<Service>({
      client: o.client.resource<Service>(dnsResources.services),
      handlers: handlers.services,
      logger: o.logger,
    }),
    new Informer<EndpointSlice>({
      client: o.client.resource<EndpointSlice>(dnsResources.endpointSlices),
      handlers: handlers.endpointSlices,
      logger: o.logger,
    }),
    ...(pods === 'verified'
      ? [
          new Informer<Pod>({
            client: o.client.resource<Pod>(dnsResources.pods),
            handlers: handlers.pods,
            logger: o.logger,
          }),
        ]
      : []),
  ];
  // like CoreDNS: wait a bounded time for the first lists, then serve whatever has arrived
  const loops = informers.map((i) => i.start(signal));
  const synced = await Promise.race([
    Promise.all(loops).then(() => true),
    sleep(o.syncTimeoutMs ?? 5000, false, { ref: false }),
  ]);
  if (!synced) o.logger.warn('cluster DNS: not every informer synced in time; serving what is cached');
  const upstreams = (o.upstreams ?? (await hostUpstreams(o.resolvConf))).filter(
    (u) => !(u.address === o.address && u.port === (o.port ?? 53)),
  );
  const zone = new Zone(records, {
    domain,
    ttl: o.ttl ?? DEFAULT_TTL_SECONDS,
    pods,
    serial: Math.floor(Date.now() / 1000),
  });
  const handler = createHandler({
    zone,
    forward: createForwarder({ upstreams, ...(o.forwardTimeoutMs ? { timeoutMs: o.forwardTimeoutMs } : {}) }),
    logger: o.logger,
  });
  let server;
  try {
    server = await listenDNS({ address: o.address, port: o.port ?? 53, handler, logger: o.logger });
  } catch (err) {
    abort.abort();
    throw err;
  }
  o.logger.info(
    { address: server.address, port: server.port, domain, upstreams: upstreams.map((u) => u.address) },
    'cluster DNS is serving',
  );
  return {
    address: server.address,
    port: server.port,
    domain,
    records,
    async stop() {
      abort.abort();
      await server.close();
      await Promise.all(loops.map(async (l) => (await l).stopped));
    },
  };
}
