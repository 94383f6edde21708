/**
 * The scheduling framework's extension points, as upstream's framework/interface.go:
 *
 *   PreFilter → Filter (per node) → [PostFilter when no node fits]
 *   → PreScore → Score (per node) → NormalizeScore → weighted sum → pick the best node
 *   → Reserve → Bind (pods/binding) | Unreserve on failure
 *
 * Plugins are small classes implementing the interfaces they need; expected outcomes are
 * returned `Status` values, exceptions are for bugs.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export interface Status {
  code: Code;
  /** Human reasons, aggregated into the FailedScheduling message ("2 Insufficient cpu"). */
  reasons: string[];
  /** The plugin that returned it (filled in by the framework). */
  plugin?: string;
}

/** Plugins return Success for almost every node: one shared, frozen value saves the allocations. */
const successStatus: Status = Object.freeze({
  code: 'Success',
  reasons: Object.freeze([]) as unknown as string[],
});
export const success = (): Status => successStatus;
export const skip = (): Status => ({ code: 'Skip', reasons: [] });
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({
  code: 'UnschedulableAndUnresolvable',
  reasons,
});
export const error = (reason: string): Status => ({ code: 'Error', reasons: [reason] });
export const isSuccess = (s: Status | undefined): boolean => !s || s.code === 'Success';

/** Compute resources as the scheduler counts them (milli-CPU, bytes, pod slots, extended). */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Record<string, number>;
}

export interface PodInfo {
  pod: Pod;
}

/** A node with the pods on it (bound or assumed) and what they use. */
export interface NodeInfo {
  node: Node;
  pods: PodInfo[];
  /** Sum of the pods' effective requests (init containers, sidecars and overhead included). */
  requested: Resource;
  /** As `requested`, but containers without requests count upstream's defaults (100m, 200Mi). */
  nonZeroRequested: Resource;
  allocatable: Resource;
  /** Host ports in use: `${protocol}/${hostIP}/${port}`. */
  usedPorts: Set<string>;
  /** Image names present on the node (from node.status.images) → size in bytes. */
  imageSizes: Map<string, number>;
}

/** Read-only view of the cluster for one scheduling cycle. */
export interface Snapshot {
  nodeInfos(): NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /**
   * For plugins that keep counts across cycles: which NodeInfos changed between two snapshots
   * of the same lineage. Absent on hand-built snapshots (plugins then count from scratch).
   */
  changes?: SnapshotChanges;
  /** Nodes with pods that have pod affinity or anti-affinity (upstream's HavePodsWithAffinityNodeInfoList). */
  havePodsWithAffinity?(): NodeInfo[];
  /** Nodes with pods that have required pod anti-affinity terms. */
  havePodsWithRequiredAntiAffinity?(): NodeInfo[];
}

/**
 * Snapshots of one lineage (the cache's, while its node order holds) are numbered by a growing
 * generation; each tells which nodes got a new NodeInfo (or lost theirs) since an earlier one.
 */
export interface SnapshotChanges {
  /** The same object for every snapshot of the lineage. */
  readonly lineage: object;
  readonly generation: number;
  /**
   * Names of the nodes whose NodeInfo differs between the snapshot of `generation` and this one;
   * undefined when that is no longer known (too old, or newer than this snapshot).
   */
  since(generation: number): Iterable<string> | undefined;
}

/** Per-cycle scratch space shared between a plugin's extension points (PreFilter → Filter). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Set by the framework: whether scoring will run for more than one node, etc. */
  skipFilterPlugins = new Set<string>();
  skipScorePlugins = new Set<string>();

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /**
   * A copy whose writes leave this one alone. Values are shared: a plugin updating its state in
   * the copy (PreFilter extensions) writes a new value instead of mutating the shared one.
   */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v);
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}

/** What plugins may use from the framework. */
export interface Handle {
  snapshot(): Snapshot;
  /** Lists objects the plugin needs beyond nodes and pods (Services, ReplicaSets… for default spreading). */
  lister: ClusterLister;
}

/** Objects some plugins need, read from the scheduler's informers. */
export interface ClusterLister {
  services(
    namespace: string,
  ): { metadata?: { name?: string }; spec?: { selector?: Record<string, string> } }[];
  /** Controllers owning pods, by kind (ReplicaSet, ReplicationController, StatefulSet): their selector. */
  controllerSelector(
    namespace: string,
    kind: string,
    name: string,
  ):
    | { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }
    | Record<string, string>
    | undefined;
  /** Every namespace with its labels (for namespaceSelector in pod affinity terms). */
  namespaces(): { metadata?: { name?: string; labels?: Record<string, string> } }[];
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterResult {
  /** When set, only these nodes are worth filtering (e.g. NodeName, NodeAffinity on metadata.name). */
  nodeNames?: Set<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status };
  /**
   * PreFilter extension (upstream's PreFilterExtensions.AddPod): update the state PreFilter wrote
   * as if `podToAdd` ran on `nodeInfo` (which already holds it). The state is a clone: write a
   * new value, never mutate the one read.
   */
  addPod?(state: CycleState, podToSchedule: Pod, podToAdd: Pod, nodeInfo: NodeInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  /** Called when no node passed Filter; may nominate a node (preemption). */
  postFilter(
    state: CycleState,
    pod: Pod,
    statuses: Map<string, Status>,
  ): { nominatedNodeName?: string; status: Status };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status;
}

export interface NodeScore {
  name: string;
  score: number;
}

export const maxNodeScore = 100;
export const minNodeScore = 0;

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status };
  /** Optional NormalizeScore: rescale this plugin's scores into [0, maxNodeScore] in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): Status;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

/** A plugin's factory: its args come from the profile's pluginConfig (defaults applied). */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => 'preFilter' in p;
export const isFilter = (p: Plugin): p is FilterPlugin => 'filter' in p;
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => 'postFilter' in p;
export const isPreScore = (p: Plugin): p is PreScorePlugin => 'preScore' in p;
export const isScore = (p: Plugin): p is ScorePlugin => 'score' in p;
export const isReserve = (p: Plugin): p is ReservePlugin => 'reserve' in p;
export const isBind = (p: Plugin): p is BindPlugin => 'bind' in p;

/** Label keys of the well-known topology domains. */
export const labelHostname = 'kubernetes.io/hostname';
export const labelZone = 'topology.kubernetes.io/zone';
