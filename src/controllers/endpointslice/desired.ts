/**
 * The endpoints a Service's slices should hold, as a pure function of the Service and its
 * selected pods (upstream's endpointslice reconciler input): one endpoint per pod with an
 * IPv4 address, terminating pods included, grouped by the ports the pod resolves, with
 * upstream's conditions:
 *
 *   serving     = the pod is Ready
 *   terminating = the pod has a deletionTimestamp
 *   ready       = publishNotReadyAddresses || (serving && !terminating)
 */
import { isIP } from 'node:net';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import {
  endpointHostname,
  findPort,
  isPodReady,
  isPodTerminating,
  podIP,
  shouldPodBeInEndpoints,
} from '../endpoint/pod-util.js';

export interface EndpointGroup {
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

/** A stable key of a port list: slices are matched to groups by it. */
export const portsKey = (ports: EndpointPort[] | undefined): string =>
  (ports ?? [])
    .map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port ?? ''}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');

export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports;
}

export function podToEndpoint(pod: Pod, svc: Service): Endpoint {
  const meta = pod.metadata ?? {};
  const serving = isPodReady(pod);
  const terminating = isPodTerminating(pod);
  const endpoint: Endpoint = {
    addresses: [podIP(pod)],
    conditions: {
      ready: svc.spec?.publishNotReadyAddresses === true || (serving && !terminating),
      serving,
      terminating,
    },
    targetRef: { kind: 'Pod', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' },
  };
  const hostname = endpointHostname(pod, svc);
  if (hostname) endpoint.hostname = hostname;
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  return endpoint;
}

/** Desired endpoints by ports key; each group's endpoints sorted by address. */
export function desiredEndpoints(svc: Service, pods: Pod[]): Map<string, EndpointGroup> {
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true) || isIP(podIP(pod)) !== 4) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(podToEndpoint(pod, svc));
  }
  for (const g of groups.values()) g.endpoints.sort((a, b) => addressOf(a).localeCompare(addressOf(b)));
  return groups;
}

export const addressOf = (ep: Endpoint): string => ep.addresses[0] ?? '';
