/**
 * The node status setters (upstream `pkg/kubelet/nodestatus/setters.go`): small pure functions,
 * each filling one part of `node.status` from facts it is given, run in order on every status sync.
 *
 * Resources: capacity is the host's (cpu cores, MemTotal, the data dir's filesystem, 110 pods);
 * allocatable is capacity minus upstream's default hard eviction thresholds (memory.available
 * 100Mi, nodefs.available 10%), with no kube/system reservations.
 *
 * Conditions keep `lastTransitionTime` while their status stays the same; `lastHeartbeatTime` is
 * the time of this sync (the status manager ignores it when deciding whether anything changed).
 */
import type { ContainerImage, Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../apimachinery/quantity.js';
import type { Image } from '../container/runtime.js';
import type { HostInfo } from './host-info.js';

export type Setter = (node: Node, now: Date) => void;

export const DEFAULT_MAX_PODS = 110;
/** Upstream `nodeStatusMaxImages`. */
export const MAX_IMAGES_IN_STATUS = 50;
const EVICTION_MEMORY_AVAILABLE = 100 * 1024 * 1024;
const EVICTION_NODEFS_AVAILABLE = 0.1;

/** `node.status`, created when missing (kubernetes-types marks `status` readonly). */
const status = (node: Node): NodeStatus => ((node as { status?: NodeStatus }).status ??= {});
/** Whole KiB in the canonical form the API server stores (`8Gi`, `8167500Ki`). */
const kib = (bytes: number): string => parseQuantity(`${Math.max(0, Math.floor(bytes / 1024))}Ki`).toString();

/** InternalIP (when known) then Hostname, as upstream's NodeAddress setter orders them. */
export const nodeAddress =
  (host: Pick<HostInfo, 'hostname' | 'internalIP'>): Setter =>
  (node) => {
    status(node).addresses = [
      ...(host.internalIP ? [{ type: 'InternalIP', address: host.internalIP }] : []),
      { type: 'Hostname', address: host.hostname },
    ];
  };

export const machineInfo =
  (host: HostInfo, maxPods = DEFAULT_MAX_PODS): Setter =>
  (node) => {
    const s = status(node);
    const memory = host.memoryCapacityBytes;
    const storage = host.ephemeralStorageBytes;
    s.capacity = {
      cpu: String(host.numCores),
      'ephemeral-storage': kib(storage),
      memory: kib(memory),
      pods: String(maxPods),
    };
    s.allocatable = {
      cpu: String(host.numCores),
      'ephemeral-storage': kib(storage * (1 - EVICTION_NODEFS_AVAILABLE)),
      memory: kib(memory - EVICTION_MEMORY_AVAILABLE),
      pods: String(maxPods),
    };
    s.nodeInfo = {
      ...(s.nodeInfo ?? emptyNodeInfo()),
      machineID: host.machineID,
      systemUUID: host.systemUUID,
      bootID: host.bootID,
      kernelVersion: host.kernelVersion,
      osImage: host.osImage,
    };
  };

const emptyNodeInfo = () => ({
  architecture: '',
  bootID: '',
  containerRuntimeVersion: '',
  kernelVersion: '',
  kubeProxyVersion: '',
  kubeletVersion: '',
  machineID: '',
  operatingSystem: '',
  osImage: '',
  systemUUID: '',
});

export interface VersionFacts {
  /** `containerd://1.6.20`, from CRI Version (`runtime_name://runtime_version`). */
  containerRuntimeVersion: string;
  kubeletVersion: string;
  operatingSystem: string;
  architecture: string;
}

export const versionInfo =
  (v: VersionFacts): Setter =>
  (node) => {
    const s = status(node);
    s.nodeInfo = {
      ...(s.nodeInfo ?? emptyNodeInfo()),
      containerRuntimeVersion: v.containerRuntimeVersion,
      kubeletVersion: v.kubeletVersion,
      kubeProxyVersion: v.kubeletVersion,
      operatingSystem: v.operatingSystem,
      architecture: v.architecture,
    };
  };

export const daemonEndpoints =
  (kubeletPort: number): Setter =>
  (node) => {
    status(node).daemonEndpoints = { kubeletEndpoint: { Port: kubeletPort } };
  };

/** The largest images first, at most 50, each named by its tags and digests (upstream's Images setter). */
export const images =
  (list: Image[], max = MAX_IMAGES_IN_STATUS): Setter =>
  (node) => {
    const sorted = [...list].sort((a, b) => Number(b.size) - Number(a.size)).slice(0, max);
    status(node).images = sorted
      .map((i): ContainerImage => ({ names: [...i.repo_tags, ...i.repo_digests], sizeBytes: Number(i.size) }))
      .filter((i) => (i.names ?? []).length > 0);
  };

/** Sets a condition, keeping lastTransitionTime unless the status changed. */
export function setCondition(
  node: Node,
  now: Date,
  type: string,
  value: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
): void {
  const s = status(node);
  const conditions = (s.conditions ??= []);
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const existing = conditions.find((c) => c.type === type);
  const next: NodeCondition = {
    type,
    status: value,
    lastHeartbeatTime: stamp,
    lastTransitionTime:
      existing && existing.status === value ? (existing.lastTransitionTime ?? stamp) : stamp,
    reason,
    message,
  };
  if (existing) conditions.splice(conditions.indexOf(existing), 1, next);
  else conditions.push(next);
}

/**
 * Ready: True unless the runtime reports a problem (errors from CRI Status: RuntimeReady or
 * NetworkReady false, or the runtime unreachable), then False with reason KubeletNotReady.
 */
export const readyCondition =
  (runtimeErrors: () => string[]): Setter =>
  (node, now) => {
    const errors = runtimeErrors();
    if (errors.length === 0)
      setCondition(node, now, 'Ready', 'True', 'KubeletReady', 'kubelet is posting ready status');
    else setCondition(node, now, 'Ready', 'False', 'KubeletNotReady', errors.join(', '));
  };

/** The pressure conditions; no eviction manager yet, so they always report no pressure. */
export const memoryPressureCondition: Setter = (node, now) =>
  setCondition(
    node,
    now,
    'MemoryPressure',
    'False',
    'KubeletHasSufficientMemory',
    'kubelet has sufficient memory available',
  );

export const diskPressureCondition: Setter = (node, now) =>
  setCondition(
    node,
    now,
    'DiskPressure',
    'False',
    'KubeletHasNoDiskPressure',
    'kubelet has no disk pressure',
  );

export const pidPressureCondition: Setter = (node, now) =>
  setCondition(
    node,
    now,
    'PIDPressure',
    'False',
    'KubeletHasSufficientPID',
    'kubelet has sufficient PID available',
  );
