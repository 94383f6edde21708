/**
 * Plans the writes that bring a Service's EndpointSlices to the desired endpoints (upstream's
 * endpointslice reconciler, simplified), as a pure function; the controller carries it out.
 *
 *   - slices of another address type, or whose ports no longer occur → deleted
 *   - per ports group: endpoints stay in the slice that holds them (updated in place when
 *     their conditions change), new ones fill free room, then new slices of up to
 *     `maxEndpointsPerSlice`; slices left empty → deleted
 *   - no endpoints at all → exactly one placeholder slice without endpoints or ports
 *   - labels and owner reference are kept in step with the Service on every slice
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import { HEADLESS_LABEL, isHeadlessService } from '../endpoint/pod-util.js';
import { type EndpointGroup, addressOf, portsKey } from './desired.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  labels[LABEL_SERVICE_NAME] = svc.metadata?.name ?? '';
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  if (isHeadlessService(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

export function ownerReference(svc: Service): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: svc.metadata?.name ?? '',
    uid: svc.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function newSlice(svc: Service, group: EndpointGroup, endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name ?? ''}-`,
      namespace: svc.metadata?.namespace ?? '',
      labels: sliceLabels(svc),
      ownerReferences: [ownerReference(svc)],
    },
    addressType: 'IPv4',
    endpoints,
    ...(group.ports.length ? { ports: group.ports } : {}),
  };
}

const byName = (a: EndpointSlice, b: EndpointSlice): number =>
  (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');

export function planSlices(
  svc: Service,
  existing: EndpointSlice[],
  desired: Map<string, EndpointGroup>,
  maxEndpointsPerSlice = MAX_ENDPOINTS_PER_SLICE,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const labels = sliceLabels(svc);
  const owners = [ownerReference(svc)];
  const total = [...desired.values()].reduce((n, g) => n + g.endpoints.length, 0);
  const byKey = new Map<string, EndpointSlice[]>();
  const handled = new Set<string>();
  for (const slice of [...existing].sort(byName)) {
    if (slice.addressType !== 'IPv4') {
      plan.delete.push(slice);
      continue;
    }
    const key = portsKey(slice.ports);
    byKey.set(key, [...(byKey.get(key) ?? []), slice]);
  }
  /** Queues `slice` for update when it differs from `original` (labels and owner included). */
  const settle = (original: EndpointSlice, next: EndpointSlice) => {
    next.metadata = { ...next.metadata, labels, ownerReferences: owners };
    if (!semanticEqual(original, next)) plan.update.push(next);
  };

  if (total === 0) {
    const slices = [...byKey.values()].flat();
    const placeholder = slices.find((s) => !s.endpoints?.length && !s.ports?.length);
    for (const s of slices) if (s !== placeholder) plan.delete.push(s);
    if (placeholder) settle(placeholder, { ...placeholder, endpoints: [] });
    else plan.create.push(newSlice(svc, { ports: [], endpoints: [] }, []));
    return plan;
  }

  for (const [key, slices] of byKey) {
    const group = desired.get(key);
    if (group) handled.add(key);
    if (!group?.endpoints.length) {
      plan.delete.push(...slices);
      continue;
    }
    const pending = new Map(group.endpoints.map((ep) => [addressOf(ep), ep]));
    const kept = slices.map((s) => {
      const endpoints: Endpoint[] = [];
      for (const ep of s.endpoints ?? []) {
        const want = pending.get(addressOf(ep));
        if (!want) continue;
        endpoints.push(want);
        pending.delete(addressOf(ep));
      }
      return { original: s, endpoints };
    });
    for (const k of kept) {
      for (const [address, ep] of pending) {
        if (k.endpoints.length >= maxEndpointsPerSlice) break;
        k.endpoints.push(ep);
        pending.delete(address);
      }
      if (!k.endpoints.length) plan.delete.push(k.original);
      else settle(k.original, withPorts({ ...k.original, endpoints: k.endpoints }, group));
    }
    pushNewSlices(plan, svc, group, [...pending.values()], maxEndpointsPerSlice);
  }
  for (const [key, group] of desired) {
    if (!handled.has(key)) pushNewSlices(plan, svc, group, group.endpoints, maxEndpointsPerSlice);
  }
  return plan;
}

function withPorts(slice: EndpointSlice, group: EndpointGroup): EndpointSlice {
  const { ports: _old, ...rest } = slice;
  return group.ports.length ? { ...rest, ports: group.ports } : rest;
}

function pushNewSlices(
  plan: SlicePlan,
  svc: Service,
  group: EndpointGroup,
  endpoints: Endpoint[],
  max: number,
): void {
  for (let i = 0; i < endpoints.length; i += max) {
    plan.create.push(newSlice(svc, group, endpoints.slice(i, i + max)));
  }
}
