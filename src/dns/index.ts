/** Cluster DNS served by Cairn: the `cluster.local` zone from Services, EndpointSlices and Pods. */
export {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_TTL_SECONDS,
  dnsResources,
  startClusterDNS,
  type ClusterDNS,
  type ClusterDNSOptions,
  type ResourceSource,
} from './cluster-dns.js';
export {
  createForwarder,
  hostUpstreams,
  parseNameservers,
  type Forward,
  type ForwarderOptions,
  type Transport,
  type Upstream,
} from './forward.js';
export { createHandler, RCODE, type Handler, type HandlerOptions, type Rcode } from './handler.js';
export { bridgeGatewayIP, ensureBridgeGateway, type EnsureGatewayOptions } from './listen-address.js';
export { RecordsCache, SERVICE_NAME_LABEL, type ClusterRecords } from './records.js';
export { listenDNS, type DNSServer, type ListenOptions } from './server.js';
export { dashedIP, reverseNameToIP, Zone, type PodsMode, type ZoneOptions, type ZoneResult } from './zone.js';
