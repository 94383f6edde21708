/**
 * The Node object of simulated node number `i` (pure): its name, labels, pod CIDR, fake
 * InternalIP and a status made by the agent's own node status setters
 * (`kubelet/nodestatus/setters.ts`) from invented machine facts.
 *
 *   name        `<prefix><i>` (`sim-0`, `sim-1`, …)
 *   labels      kubernetes.io/{hostname,os,arch} (+ beta.kubernetes.io/{os,arch}), the
 *               `topology.kubernetes.io/zone` `zone-<i % zones>` when zones are given, and the
 *               marker `cairn.dev/sim-node=true` (kwok marks its nodes `type: kwok`)
 *   annotation  `node.alpha.kubernetes.io/ttl: "0"`, as kwok's nodes carry
 *   podCIDR     the i-th /24 of the cluster CIDR (default 10.64.0.0/10: 16,384 nodes)
 *   InternalIP  the (i+1)-th address of 172.16.0.0/12
 *
 * No taint is set, so ordinary workloads schedule onto simulated nodes.
 */
import type { Node, NodeStatus } from 'kubernetes-types/core/v1.js';
import { ociArchitecture } from '../kubelet/images/image-archive.js';
import type { HostInfo } from '../kubelet/nodestatus/host-info.js';
import * as setters from '../kubelet/nodestatus/setters.js';

export const SIM_NODE_LABEL = 'cairn.dev/sim-node';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const DEFAULT_CLUSTER_CIDR = '10.64.0.0/10';
const NODE_IP_BASE = ipToNumber('172.16.0.0');
const NODE_IP_COUNT = 1 << 20;

export interface SimNodeCapacity {
  /** Cores (default 32, as kwok's example nodes). */
  cpu: number;
  /** Bytes (default 256 GiB). */
  memoryBytes: number;
  /** Bytes (default 100 GiB). */
  ephemeralStorageBytes: number;
  /** default 110 */
  maxPods: number;
}

export const DEFAULT_CAPACITY: SimNodeCapacity = {
  cpu: 32,
  memoryBytes: 256 * 1024 ** 3,
  ephemeralStorageBytes: 100 * 1024 ** 3,
  maxPods: setters.DEFAULT_MAX_PODS,
};

export interface SimNodeSpec {
  index: number;
  name: string;
  podCIDR: string;
  internalIP: string;
  zone?: string;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

export const numberToIP = (n: number): string =>
  [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** How many /24 node subnets an IPv4 cluster CIDR holds (it must be /24 or wider). */
export function subnetCount(clusterCIDR: string): number {
  const [, bits] = clusterCIDR.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 24)
    throw new Error(`cluster CIDR ${clusterCIDR} must be an IPv4 CIDR of /24 or wider`);
  return 2 ** (24 - prefix);
}

/** Name, pod CIDR, InternalIP and zone of simulated node `index`. */
export function simNodeSpec(
  index: number,
  o: { namePrefix: string; zones?: number; clusterCIDR?: string },
): SimNodeSpec {
  const cidr = o.clusterCIDR ?? DEFAULT_CLUSTER_CIDR;
  if (index >= subnetCount(cidr)) throw new Error(`cluster CIDR ${cidr} has no /24 for node ${index}`);
  if (index >= NODE_IP_COUNT - 2) throw new Error(`no fake InternalIP for node ${index}`);
  const base = ipToNumber(cidr.split('/')[0] ?? '');
  return {
    index,
    name: `${o.namePrefix}${index}`,
    podCIDR: `${numberToIP((base + index * 256) >>> 0)}/24`,
    internalIP: numberToIP(NODE_IP_BASE + index + 1),
    ...(o.zones && o.zones > 0 ? { zone: `zone-${index % o.zones}` } : {}),
  };
}

/** The invented machine facts the setters read. */
function hostInfo(spec: SimNodeSpec, capacity: SimNodeCapacity): HostInfo {
  const id = `${spec.index.toString(16).padStart(12, '0')}`;
  return {
    hostname: spec.name,
    numCores: capacity.cpu,
    memoryCapacityBytes: capacity.memoryBytes,
    ephemeralStorageBytes: capacity.ephemeralStorageBytes,
    machineID: `5111${id}0000000000000000`,
    systemUUID: `5111${id.slice(0, 4)}-0000-0000-0000-${id}`,
    bootID: `b0075111-0000-0000-0000-${id}`,
    kernelVersion: 'sim',
    osImage: 'Cairn simulated node',
    internalIP: spec.internalIP,
  };
}

export interface NodeStatusFacts {
  capacity: SimNodeCapacity;
  /** `nodeInfo.kubeletVersion` (the server's version). */
  kubeletVersion: string;
}

/** Sets `node.status` as the agent would at `now`: addresses, resources, versions, conditions. */
export function applyNodeStatus(node: Node, spec: SimNodeSpec, facts: NodeStatusFacts, now: Date): Node {
  const list: setters.Setter[] = [
    setters.nodeAddress(hostInfo(spec, facts.capacity)),
    setters.machineInfo(hostInfo(spec, facts.capacity), facts.capacity.maxPods),
    setters.versionInfo({
      containerRuntimeVersion: 'sim://0.1.0',
      kubeletVersion: facts.kubeletVersion,
      operatingSystem: 'linux',
      architecture: ociArchitecture(),
    }),
    setters.daemonEndpoints(10250),
    setters.images([]),
    setters.memoryPressureCondition,
    setters.diskPressureCondition,
    setters.pidPressureCondition,
    setters.readyCondition(() => []),
  ];
  for (const set of list) set(node, now);
  return node;
}

/** The Node to create for `spec`. */
export function newSimNode(spec: SimNodeSpec, facts: NodeStatusFacts, now: Date): Node {
  const arch = ociArchitecture();
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        [SIM_NODE_LABEL]: 'true',
        ...(spec.zone ? { [ZONE_LABEL]: spec.zone } : {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR] },
  };
  return applyNodeStatus(node, spec, facts, now);
}

/** The Ready condition's status in a node status ('' when there is none). */
export const readyStatus = (status: NodeStatus | undefined): string =>
  status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '';
