/**
 * The scheduler's cache (upstream's internal/cache): nodes and the pods on them, including
 * pods the scheduler has *assumed* onto a node before the API says so.
 *
 *   assume (scheduling cycle picked a node) → finishBinding (bind sent; expiry clock starts)
 *     → addPod from the watch with spec.nodeName: confirmed
 *     → forget (bind failed)        → expired (never confirmed within the TTL)
 *
 * A pod being deleted keeps its resources until the DELETED event; a terminal pod (Succeeded,
 * Failed) holds none. Snapshots rebuild only the NodeInfos whose node or pods changed, and
 * carry a change log (`Snapshot.changes`) so plugins can update their own counts incrementally.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo, Snapshot, SnapshotChanges } from '../framework/interface.js';
import { type Clock, realClock } from '../util/clock.js';
import { interleaveByZone, zoneKey } from './node-tree.js';

export type NodeInfoBuilder = (node: Node, pods: Pod[]) => NodeInfo;

export interface SchedulerCacheOptions {
  newNodeInfo: NodeInfoBuilder;
  clock?: Clock;
  /** How long a bound-but-unconfirmed assumed pod is kept; 0 keeps it until confirmed. */
  assumedPodTTLMs?: number;
}

interface PodState {
  pod: Pod;
  assumed: boolean;
  /** Set by finishBinding: when an unconfirmed assumed pod expires. */
  deadline?: number;
}

interface NodeEntry {
  node?: Node;
  pods: Map<string, Pod>;
  info?: NodeInfo;
}

/** How many snapshot generations the change log remembers. */
const changeLogLength = 1024;

/** Upstream's podWithAffinity / podWithRequiredAntiAffinity. */
const hasPodAffinity = (pod: Pod): boolean =>
  !!(pod.spec?.affinity?.podAffinity || pod.spec?.affinity?.podAntiAffinity);
const hasRequiredAntiAffinity = (pod: Pod): boolean =>
  !!pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length;

const uidOf = (pod: Pod): string => pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const nameOf = (n: Node): string => n.metadata?.name ?? '';

export const isTerminal = (pod: Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class SchedulerCache {
  private readonly podStates = new Map<string, PodState>();
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private order: string[] | undefined;
  /** The last snapshot, and the nodes changed since (their NodeInfo dropped): see snapshot(). */
  private last: { infos: NodeInfo[]; index: Map<string, number>; snapshot: Snapshot } | undefined;
  private readonly changed = new Set<string>();
  /** The change log of the current lineage: the nodes each generation replaced. */
  private lineage: object = {};
  private generation = 0;
  private log: { generation: number; names: string[] }[] = [];
  /** Changes after this generation are all in the log. */
  private logFloor = 0;
  /** Nodes with pods that have pod (anti-)affinity, and the subset with required anti-affinity. */
  private readonly withAffinity = new Set<string>();
  private readonly withRequiredAnti = new Set<string>();
  private affinityLists: { any: string[]; requiredAnti: string[] } | undefined;

  constructor(private readonly o: SchedulerCacheOptions) {
    this.clock = o.clock ?? realClock;
    this.ttlMs = o.assumedPodTTLMs ?? 15 * 60_000;
  }

  private entry(nodeName: string): NodeEntry {
    let e = this.nodes.get(nodeName);
    if (!e) {
      e = { pods: new Map() };
      this.nodes.set(nodeName, e);
    }
    return e;
  }

  private place(pod: Pod): void {
    const e = this.entry(pod.spec?.nodeName ?? '');
    e.pods.set(uidOf(pod), pod);
    delete e.info;
    this.changed.add(pod.spec?.nodeName ?? '');
  }

  private unplace(pod: Pod): void {
    const name = pod.spec?.nodeName ?? '';
    const e = this.nodes.get(name);
    if (!e) return;
    e.pods.delete(uidOf(pod));
    delete e.info;
    this.changed.add(name);
    if (!e.node && !e.pods.size) this.nodes.delete(name);
  }

  /** Puts a pod (with spec.nodeName set to the chosen node) on its node before binding. */
  assumePod(pod: Pod): void {
    const key = uidOf(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is in the cache, so can't be assumed`);
    this.place(pod);
    this.podStates.set(key, { pod, assumed: true });
  }

  /** The binding was sent: from now on an unconfirmed assumed pod may expire. */
  finishBinding(pod: Pod): void {
    const s = this.podStates.get(uidOf(pod));
    if (s?.assumed && this.ttlMs > 0) s.deadline = this.clock.now() + this.ttlMs;
  }

  /** The binding failed: the assumed pod leaves its node. */
  forgetPod(pod: Pod): void {
    const key = uidOf(pod);
    const s = this.podStates.get(key);
    if (!s?.assumed) return;
    this.unplace(s.pod);
    this.podStates.delete(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.podStates.get(uidOf(pod))?.assumed ?? false;
  }

  /** A pod assigned to a node, from the watch (confirms an assumed pod). */
  addPod(pod: Pod): void {
    if (isTerminal(pod)) return this.removePod(pod);
    const key = uidOf(pod);
    const s = this.podStates.get(key);
    if (s) this.unplace(s.pod);
    this.place(pod);
    this.podStates.set(key, { pod, assumed: false });
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = uidOf(pod);
    const s = this.podStates.get(key);
    if (!s) return;
    this.unplace(s.pod);
    this.podStates.delete(key);
  }

  addNode(node: Node): void {
    const e = this.entry(nameOf(node));
    if (!e.node || zoneKey(e.node) !== zoneKey(node)) this.order = undefined;
    e.node = node;
    delete e.info;
    this.changed.add(nameOf(node));
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = nameOf(node);
    const e = this.nodes.get(name);
    if (!e) return;
    delete e.node;
    delete e.info;
    this.order = undefined;
    // Pods may still name the node (upstream keeps them until they go): keep the entry for them.
    if (!e.pods.size) this.nodes.delete(name);
  }

  /** Drops assumed pods whose binding finished more than the TTL ago without confirmation. */
  cleanupExpiredAssumedPods(): Pod[] {
    const now = this.clock.now();
    const expired: Pod[] = [];
    for (const [key, s] of this.podStates) {
      if (!s.assumed || s.deadline === undefined || s.deadline > now) continue;
      this.unplace(s.pod);
      this.podStates.delete(key);
      expired.push(s.pod);
    }
    return expired;
  }

  /** The pod as the cache holds it (assumed or confirmed). */
  getPod(uid: string): Pod | undefined {
    return this.podStates.get(uid)?.pod;
  }

  getNode(name: string): Node | undefined {
    return this.nodes.get(name)?.node;
  }

  listPods(): Pod[] {
    return [...this.podStates.values()].map((s) => s.pod);
  }

  listNodes(): Node[] {
    return [...this.nodes.values()].flatMap((e) => (e.node ? [e.node] : []));
  }

  nodeCount(): number {
    return [...this.nodes.values()].filter((e) => e.node).length;
  }

  podCount(): number {
    return this.podStates.size;
  }

  /**
   * The cluster as the next scheduling cycle sees it. While the node order holds (no node added,
   * removed or moved to another zone), the previous snapshot's array is copied and only the
   * changed nodes get a new NodeInfo: a cycle costs O(changed nodes), not O(nodes) Map work.
   * Earlier snapshots are never mutated.
   */
  snapshot(): Snapshot {
    if (!this.order) {
      const names = [...this.nodes].filter(([, e]) => e.node).map(([n]) => n);
      this.order = interleaveByZone(names, (n) => {
        const node = this.nodes.get(n)?.node;
        return node ? zoneKey(node) : '';
      });
      this.last = undefined;
    }
    if (this.last && !this.changed.size) return this.last.snapshot;
    let infos: NodeInfo[];
    let index: Map<string, number>;
    if (this.last) {
      ({ index } = this.last);
      infos = this.last.infos.slice();
      for (const name of this.changed) {
        const i = index.get(name);
        const e = this.nodes.get(name);
        if (i === undefined || !e?.node) continue; // pods naming a node the cache does not have
        e.info ??= this.o.newNodeInfo(e.node, [...e.pods.values()]);
        infos[i] = e.info;
        this.trackAffinity(name, e.info);
      }
      this.generation++;
      this.log.push({ generation: this.generation, names: [...this.changed] });
      if (this.log.length > changeLogLength) {
        const dropped = this.log.splice(0, this.log.length - changeLogLength / 2);
        this.logFloor = dropped[dropped.length - 1]?.generation ?? this.logFloor;
      }
    } else {
      infos = [];
      index = new Map();
      this.withAffinity.clear();
      this.withRequiredAnti.clear();
      this.affinityLists = undefined;
      for (const name of this.order) {
        const e = this.nodes.get(name);
        if (!e?.node) continue;
        e.info ??= this.o.newNodeInfo(e.node, [...e.pods.values()]);
        index.set(name, infos.length);
        infos.push(e.info);
        this.trackAffinity(name, e.info);
      }
      // A new lineage: counts kept for the old one must be rebuilt.
      this.generation++;
      this.lineage = {};
      this.log = [];
      this.logFloor = this.generation;
    }
    this.changed.clear();
    this.affinityLists ??= { any: [...this.withAffinity], requiredAnti: [...this.withRequiredAnti] };
    const snapshot = this.newSnapshot(infos, index, this.affinityLists);
    this.last = { infos, index, snapshot };
    return snapshot;
  }

  private trackAffinity(name: string, info: NodeInfo): void {
    const any = info.pods.some((p) => hasPodAffinity(p.pod));
    const anti = any && info.pods.some((p) => hasRequiredAntiAffinity(p.pod));
    if (any !== this.withAffinity.has(name) || anti !== this.withRequiredAnti.has(name)) {
      this.affinityLists = undefined;
      if (any) this.withAffinity.add(name);
      else this.withAffinity.delete(name);
      if (anti) this.withRequiredAnti.add(name);
      else this.withRequiredAnti.delete(name);
    }
  }

  private newSnapshot(
    infos: NodeInfo[],
    index: Map<string, number>,
    affinity: { any: string[]; requiredAnti: string[] },
  ): Snapshot {
    const get = (name: string): NodeInfo | undefined => {
      const i = index.get(name);
      return i === undefined ? undefined : infos[i];
    };
    const list = (names: string[]) => {
      let out: NodeInfo[] | undefined;
      return () => (out ??= names.map(get).filter((n): n is NodeInfo => n !== undefined));
    };
    const { generation, lineage, log } = this;
    const floor = () => this.logFloor;
    const changes: SnapshotChanges = {
      lineage,
      generation,
      since: (from) => {
        if (from > generation || from < floor() || this.lineage !== lineage) return undefined;
        const names = new Set<string>();
        for (let i = log.length - 1; i >= 0; i--) {
          const entry = log[i];
          if (!entry || entry.generation <= from) break;
          if (entry.generation <= generation) for (const n of entry.names) names.add(n);
        }
        return names;
      },
    };
    return {
      nodeInfos: () => infos,
      get,
      changes,
      havePodsWithAffinity: list(affinity.any),
      havePodsWithRequiredAntiAffinity: list(affinity.requiredAnti),
    };
  }
}
