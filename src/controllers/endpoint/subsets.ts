/**
 * The Endpoints a Service should have, as a pure function of the Service and the pods its
 * selector matches (upstream's endpoint controller syncService + RepackSubsets):
 *
 *   pod finished / without IP / terminating (unless publishNotReadyAddresses) → left out
 *   per Service port: targetPort resolved in the pod (a name it lacks → that port left out)
 *   Ready, or publishNotReadyAddresses → addresses, otherwise → notReadyAddresses
 *   headless without ports → the address alone
 *
 * then addresses sharing the same set of ports are packed into one subset, everything sorted
 * so equal inputs give equal outputs.
 */
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
} from 'kubernetes-types/core/v1.js';
import {
  endpointHostname,
  findPort,
  isHeadlessService,
  isPodReady,
  podIP,
  shouldPodBeInEndpoints,
} from './pod-util.js';

function endpointAddress(pod: Pod, svc: Service): EndpointAddress {
  const meta = pod.metadata ?? {};
  const address: EndpointAddress = {
    ip: podIP(pod),
    targetRef: { kind: 'Pod', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' },
  };
  const hostname = endpointHostname(pod, svc);
  if (hostname) address.hostname = hostname;
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  return address;
}

interface AddressPorts {
  address: EndpointAddress;
  ready: boolean;
  ports: Map<string, EndpointPort>;
}

const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.protocol ?? ''}/${p.port}`;

export function computeEndpointSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const servicePorts = svc.spec?.ports ?? [];
  const byAddress = new Map<string, AddressPorts>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const entry: AddressPorts = {
      address: endpointAddress(pod, svc),
      ready: publishNotReady || isPodReady(pod),
      ports: new Map(),
    };
    if (!servicePorts.length) {
      if (isHeadlessService(svc)) byAddress.set(podKeyOf(pod), entry);
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      entry.ports.set(portKey(ep), ep);
    }
    if (entry.ports.size) byAddress.set(podKeyOf(pod), entry);
  }
  return repackSubsets([...byAddress.values()]);
}

const podKeyOf = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

const compareAddresses = (a: EndpointAddress, b: EndpointAddress): number =>
  a.ip.localeCompare(b.ip) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');

/** Groups addresses by their exact set of ports; one subset per set. */
function repackSubsets(entries: AddressPorts[]): EndpointSubset[] {
  const bySet = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const e of entries) {
    const keys = [...e.ports.keys()].sort();
    const setKey = keys.join(',');
    let group = bySet.get(setKey);
    if (!group) {
      group = {
        ports: keys.map((k) => e.ports.get(k)).filter((p) => p !== undefined),
        ready: [],
        notReady: [],
      };
      bySet.set(setKey, group);
    }
    (e.ready ? group.ready : group.notReady).push(e.address);
  }
  return [...bySet.keys()].sort().map((k) => {
    const g = bySet.get(k);
    const subset: EndpointSubset = {};
    if (g?.ready.length) subset.addresses = g.ready.sort(compareAddresses);
    if (g?.notReady.length) subset.notReadyAddresses = g.notReady.sort(compareAddresses);
    if (g?.ports.length) subset.ports = g.ports;
    return subset;
  });
}
