/**
 * The desired state of the service proxy, as a pure function of what the informers hold: one
 * entry per (Service, port) with a ClusterIP, listing the ready endpoints its traffic is spread
 * over. Rendering rules from it is `render.ts`'s job; this file knows nothing about iptables.
 *
 * Upstream's counterpart is the proxy's ServicePortMap + EndpointsMap (pkg/proxy): a service
 * port is `namespace/name:portName`, its endpoints come from the EndpointSlices labelled
 * `kubernetes.io/service-name`, matched on port name and protocol, IPv4 only, ready only.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface ServicePortPlan {
  /** `namespace/name:portName` (portName may be empty), upstream's ServicePortName. */
  name: string;
  clusterIP: string;
  port: number;
  protocol: Protocol;
  /** Ready endpoints, sorted by ip then port, without duplicates. */
  endpoints: Endpoint[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const protocols: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);
const isIPv4 = (ip: string): boolean => /^(\d{1,3})(\.\d{1,3}){3}$/.test(ip);

/** Services without a proxyable ClusterIP (headless, ExternalName, not yet allocated) are left out. */
export function computeServicePlan(
  services: Iterable<Service>,
  slices: Iterable<EndpointSlice>,
): ServicePortPlan[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc || slice.addressType !== 'IPv4') continue;
    const key = `${slice.metadata?.namespace ?? ''}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }

  const plan: ServicePortPlan[] = [];
  for (const svc of services) {
    const spec = svc.spec;
    const clusterIP = spec?.clusterIP ?? '';
    if (!spec || spec.type === 'ExternalName' || !isIPv4(clusterIP)) continue;
    const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    for (const sp of spec.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      if (!protocols.has(protocol)) continue;
      const portName = sp.name ?? '';
      const endpoints = new Map<string, Endpoint>();
      for (const slice of slicesByService.get(key) ?? []) {
        const port = (slice.ports ?? []).find(
          (p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol,
        )?.port;
        if (port === undefined) continue;
        for (const ep of slice.endpoints) {
          // upstream: a nil ready condition means ready
          if (ep.conditions?.ready === false) continue;
          for (const ip of ep.addresses) if (isIPv4(ip)) endpoints.set(`${ip}:${port}`, { ip, port });
        }
      }
      plan.push({
        name: `${key}:${portName}`,
        clusterIP,
        port: sp.port,
        protocol: protocol as Protocol,
        endpoints: [...endpoints.values()].sort(compareEndpoints),
      });
    }
  }
  return plan.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const ka = a.ip.split('.').map(Number);
  const kb = b.ip.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return (ka[i] ?? 0) - (kb[i] ?? 0);
  return a.port - b.port;
}
