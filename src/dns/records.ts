/**
 * What cluster DNS answers from (CoreDNS's kubernetes plugin reads the same three): Services,
 * their EndpointSlices (found by the `kubernetes.io/service-name` label) and Pods (only for
 * `pods verified`). `ClusterRecords` is the narrow read interface the zone needs; `RecordsCache`
 * is the in-memory implementation, kept current by informer handlers (or fed directly in tests).
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { InformerHandlers } from '../client/index.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface ClusterRecords {
  service(namespace: string, name: string): Service | undefined;
  /** Whether the namespace has any Service (`<ns>.svc.<zone>` exists then). */
  hasServices(namespace: string): boolean;
  /** The EndpointSlices of one Service. */
  endpointSlices(namespace: string, service: string): EndpointSlice[];
  /** Whether a pod in the namespace has this IP (`pods verified`). */
  hasPodIP(namespace: string, ip: string): boolean;
  /** Every Service and every EndpointSlice (reverse lookups scan them). */
  allServices(): Iterable<Service>;
  allEndpointSlices(): Iterable<EndpointSlice>;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;
const metaKey = (obj: { metadata?: { namespace?: string; name?: string } }): string =>
  key(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');

const podIPs = (pod: Pod): string[] => {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  return ips.length > 0 ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
};

/** Adds/removes `value` under `k` in a map of sets. */
function addTo<K, V>(map: Map<K, Set<V>>, k: K, value: V): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(value);
}
function removeFrom<K, V>(map: Map<K, Set<V>>, k: K, value: V): void {
  const set = map.get(k);
  set?.delete(value);
  if (set?.size === 0) map.delete(k);
}

export class RecordsCache implements ClusterRecords {
  private readonly services = new Map<string, Service>();
  private readonly servicesPerNamespace = new Map<string, Set<string>>();
  private readonly slices = new Map<string, EndpointSlice>();
  /** `ns/service` → slice keys */
  private readonly slicesPerService = new Map<string, Set<string>>();
  /** `ns/ip` → pod keys */
  private readonly podsPerIP = new Map<string, Set<string>>();
  private readonly podIPsOf = new Map<string, string[]>();

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(key(namespace, name));
  }

  hasServices(namespace: string): boolean {
    return this.servicesPerNamespace.has(namespace);
  }

  endpointSlices(namespace: string, service: string): EndpointSlice[] {
    const keys = this.slicesPerService.get(key(namespace, service)) ?? [];
    return [...keys].map((k) => this.slices.get(k)).filter((s): s is EndpointSlice => !!s);
  }

  hasPodIP(namespace: string, ip: string): boolean {
    return this.podsPerIP.has(key(namespace, ip));
  }

  allServices(): Iterable<Service> {
    return this.services.values();
  }

  allEndpointSlices(): Iterable<EndpointSlice> {
    return this.slices.values();
  }

  setService(svc: Service): void {
    const k = metaKey(svc);
    this.services.set(k, svc);
    addTo(this.servicesPerNamespace, svc.metadata?.namespace ?? '', k);
  }

  deleteService(svc: Service): void {
    const k = metaKey(svc);
    this.services.delete(k);
    removeFrom(this.servicesPerNamespace, svc.metadata?.namespace ?? '', k);
  }

  setEndpointSlice(slice: EndpointSlice): void {
    const k = metaKey(slice);
    const old = this.slices.get(k);
    if (old) this.deleteEndpointSlice(old);
    this.slices.set(k, slice);
    const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (svc) addTo(this.slicesPerService, key(slice.metadata?.namespace ?? '', svc), k);
  }

  deleteEndpointSlice(slice: EndpointSlice): void {
    const k = metaKey(slice);
    const stored = this.slices.get(k) ?? slice;
    this.slices.delete(k);
    const svc = stored.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (svc) removeFrom(this.slicesPerService, key(stored.metadata?.namespace ?? '', svc), k);
  }

  setPod(pod: Pod): void {
    const k = metaKey(pod);
    this.deletePod(pod);
    const ns = pod.metadata?.namespace ?? '';
    const ips = podIPs(pod);
    this.podIPsOf.set(k, ips);
    for (const ip of ips) addTo(this.podsPerIP, key(ns, ip), k);
  }

  deletePod(pod: Pod): void {
    const k = metaKey(pod);
    const ns = pod.metadata?.namespace ?? '';
    for (const ip of this.podIPsOf.get(k) ?? []) removeFrom(this.podsPerIP, key(ns, ip), k);
    this.podIPsOf.delete(k);
  }

  /** Informer handlers that keep this cache current. */
  handlers(): {
    services: InformerHandlers<Service>;
    endpointSlices: InformerHandlers<EndpointSlice>;
    pods: InformerHandlers<Pod>;
  } {
    return {
      services: {
        onAdd: (s) => this.setService(s),
        onUpdate: (_, s) => this.setService(s),
        onDelete: (s) => this.deleteService(s),
      },
      endpointSlices: {
        onAdd: (s) => this.setEndpointSlice(s),
        onUpdate: (_, s) => this.setEndpointSlice(s),
        onDelete: (s) => this.deleteEndpointSlice(s),
      },
      pods: {
        onAdd: (p) => this.setPod(p),
        onUpdate: (_, p) => this.setPod(p),
        onDelete: (p) => this.deletePod(p),
      },
    };
  }
}
