/**
 * NodeInfo and the resource arithmetic the scheduler uses (upstream's framework/types.go and
 * component-helpers' PodRequests):
 *
 *   pod request = max(Σ regular containers + Σ sidecars,
 *                     max over init containers i of (init i + sidecars started before i))
 *                 + pod overhead
 *
 * Sidecars are init containers with `restartPolicy: Always`; they keep running, so they add to
 * the regular containers and to every later init container. "Non-zero" requests count a
 * container without a cpu or memory request as 100m / 200Mi, so best-effort pods still spread.
 * Quantities are summed exactly (nano-units) and rounded up once, like upstream's Quantity sums.
 */
import type { Container, ContainerPort, Node, Pod } from 'kubernetes-types/core/v1.js';
import { Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import { isExtendedResourceName, isHugePageResourceName } from '../../apis/core/validation/resources.js';
import type { NodeInfo, Resource } from './interface.js';

/** Upstream's defaults for containers without a cpu / memory request (schedutil). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

const NANO = 10n ** 9n;
const nonZeroDefaults: ReadonlyMap<string, bigint> = new Map([
  ['cpu', BigInt(defaultMilliCPURequest) * 10n ** 6n],
  ['memory', BigInt(defaultMemoryRequest) * NANO],
]);

export const newResource = (): Resource => ({
  milliCPU: 0,
  memory: 0,
  ephemeralStorage: 0,
  allowedPodNumber: 0,
  scalar: {},
});

/** Resources tracked as scalars: extended, hugepages, `kubernetes.io/`-prefixed and attachable volumes. */
export const isScalarResourceName = (name: string): boolean =>
  isExtendedResourceName(name) ||
  isHugePageResourceName(name) ||
  name.includes('kubernetes.io/') ||
  name.startsWith('attachable-volumes-');

/** A resource list in nano-units; unparsable quantities (rejected by validation) are skipped. */
type NanoList = Map<string, bigint>;

function toNanoList(list: Record<string, unknown> | undefined): NanoList {
  const out: NanoList = new Map();
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(value);
    if (q) out.set(name, q.nanos);
  }
  return out;
}

const addInto = (into: NanoList, from: NanoList): void => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0n) + v);
};

const maxInto = (into: NanoList, from: NanoList): void => {
  for (const [k, v] of from) {
    const cur = into.get(k);
    if (cur === undefined || v > cur) into.set(k, v);
  }
};

const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

export interface PodRequestsOptions {
  /** Count upstream's defaults (100m cpu, 200Mi memory) for containers that request none. */
  nonZero?: boolean;
}

/** The pod's effective requests per resource name, in nano-units (see the header). */
export function podRequests(pod: Pod, opts: PodRequestsOptions = {}): Map<string, bigint> {
  const containerRequests = (c: Container): NanoList => {
    const reqs = toNanoList(c.resources?.requests);
    if (opts.nonZero) {
      for (const [k, v] of nonZeroDefaults) if (!reqs.has(k)) reqs.set(k, v);
    }
    return reqs;
  };
  const reqs: NanoList = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c));
  const sidecars: NanoList = new Map();
  const initMax: NanoList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = containerRequests(c);
    if (isSidecar(c)) {
      addInto(reqs, own);
      addInto(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = new Map(own);
      addInto(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(reqs, initMax);
  addInto(reqs, toNanoList(pod.spec?.overhead));
  return reqs;
}

/** Nano-units as the scheduler counts them: milli-units for cpu, units (rounded up) otherwise. */
export const scaledValue = (name: string, nanos: bigint): number => {
  const q = Quantity.fromNanos(nanos);
  return Number(name === 'cpu' ? q.milliValue() : q.value());
};

/** One resource of the pod's effective request (cpu in milli-units), as upstream's scorers read it. */
export function podResourceRequest(pod: Pod, name: string, opts: PodRequestsOptions = {}): number {
  const nanos = podRequests(pod, opts).get(name);
  return nanos === undefined ? 0 : scaledValue(name, nanos);
}

function addToResource(r: Resource, name: string, nanos: bigint): void {
  const v = scaledValue(name, nanos);
  switch (name) {
    case 'cpu':
      r.milliCPU += v;
      break;
    case 'memory':
      r.memory += v;
      break;
    case 'ephemeral-storage':
      r.ephemeralStorage += v;
      break;
    case 'pods':
      r.allowedPodNumber += v;
      break;
    default:
      if (isScalarResourceName(name)) r.scalar[name] = (r.scalar[name] ?? 0) + v;
  }
}

/** A resource list (node allocatable) as a Resource: cpu → milli, pods → allowedPodNumber. */
export function resourceFromList(list: Record<string, unknown> | undefined): Resource {
  const r = newResource();
  for (const [name, nanos] of toNanoList(list)) addToResource(r, name, nanos);
  return r;
}

/**
 * What the pod asks of a node (upstream's computePodResourceRequest): the effective requests of
 * cpu, memory, ephemeral-storage and scalar resources; `allowedPodNumber` stays 0.
 */
export function computePodResourceRequest(pod: Pod): Resource {
  const r = newResource();
  for (const [name, nanos] of podRequests(pod)) {
    if (name !== 'pods') addToResource(r, name, nanos);
  }
  return r;
}

/** Container ports that take a host port: regular containers' and sidecars'. */
export function getHostPorts(pod: Pod): ContainerPort[] {
  const containers = [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])];
  return containers.flatMap((c) => (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0));
}

export const defaultBindAllHostIP = '0.0.0.0';

/** The usedPorts key of a host port: `${protocol}/${hostIP}/${port}`, TCP and 0.0.0.0 by default. */
export const hostPortKey = (p: { protocol?: string; hostIP?: string; hostPort?: number }): string =>
  `${p.protocol || 'TCP'}/${p.hostIP || defaultBindAllHostIP}/${p.hostPort ?? 0}`;

function addPod(info: NodeInfo, pod: Pod): void {
  info.pods.push({ pod });
  const req = computePodResourceRequest(pod);
  info.requested.milliCPU += req.milliCPU;
  info.requested.memory += req.memory;
  info.requested.ephemeralStorage += req.ephemeralStorage;
  for (const [k, v] of Object.entries(req.scalar))
    info.requested.scalar[k] = (info.requested.scalar[k] ?? 0) + v;
  const nonZero = podRequests(pod, { nonZero: true });
  info.nonZeroRequested.milliCPU += scaledValue('cpu', nonZero.get('cpu') ?? 0n);
  info.nonZeroRequested.memory += scaledValue('memory', nonZero.get('memory') ?? 0n);
  for (const p of getHostPorts(pod)) info.usedPorts.add(hostPortKey(p));
}

/** The NodeInfo of `node` with `pods` on it (bound or assumed). */
export function newNodeInfo(node: Node, pods: Pod[]): NodeInfo {
  const info: NodeInfo = {
    node,
    pods: [],
    requested: newResource(),
    nonZeroRequested: newResource(),
    allocatable: resourceFromList(node.status?.allocatable),
    usedPorts: new Set(),
    imageSizes: new Map(),
  };
  for (const image of node.status?.images ?? []) {
    for (const name of image.names ?? []) info.imageSizes.set(name, image.sizeBytes ?? 0);
  }
  for (const pod of pods) addPod(info, pod);
  return info;
}

/** Whether two pod objects are the same pod (by UID, else by namespace/name). */
export const samePod = (a: Pod, b: Pod): boolean =>
  a.metadata?.uid && b.metadata?.uid
    ? a.metadata.uid === b.metadata.uid
    : a.metadata?.namespace === b.metadata?.namespace && a.metadata?.name === b.metadata?.name;
