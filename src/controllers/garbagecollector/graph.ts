/**
 * The garbage collector's picture of the cluster: one node per object of every served resource
 * (what it is, whom it names as owners, whether it is being deleted and how), and for every
 * owner uid the objects naming it — whether or not that owner exists.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { KubeObject } from '../../registry/resource.js';

/** Finalizer of an owner whose dependents are orphaned before it goes. */
export const orphanFinalizer = 'orphan';
/** Finalizer of an owner that goes only after its blocking dependents are gone. */
export const foregroundFinalizer = 'foregroundDeletion';

export interface Node {
  uid: string;
  registry: RegistryStore;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  ownerReferences: OwnerReference[];
  deletionTimestamp: string | undefined;
  finalizers: string[];
}

export function nodeOf(registry: RegistryStore, obj: KubeObject): Node | undefined {
  const meta = obj.metadata;
  if (!meta?.uid) return undefined;
  return {
    uid: meta.uid,
    registry,
    namespace: registry.resource.namespaced ? (meta.namespace ?? '') : '',
    name: meta.name ?? '',
    ownerReferences: meta.ownerReferences ?? [],
    deletionTimestamp: meta.deletionTimestamp,
    finalizers: meta.finalizers ?? [],
  };
}

export const beingDeleted = (n: { deletionTimestamp?: string | undefined }): boolean => !!n.deletionTimestamp;

/** Terminating with `foregroundDeletion`: waiting for its blocking dependents to go. */
export const deletingDependents = (n: Node): boolean =>
  beingDeleted(n) && n.finalizers.includes(foregroundFinalizer);

/** Terminating with `orphan`: its dependents must be released first. */
export const orphaningDependents = (n: Node): boolean =>
  beingDeleted(n) && n.finalizers.includes(orphanFinalizer);

/** Whether `dependent` holds `ownerUID` back from foreground deletion. */
export const blocks = (dependent: Node, ownerUID: string): boolean =>
  dependent.ownerReferences.some((r) => r.uid === ownerUID && r.blockOwnerDeletion === true);

export const describe = (n: Node): string =>
  `${n.registry.resource.plural}${n.namespace ? ` ${n.namespace}/` : ' '}${n.name} (${n.uid})`;

export class Graph {
  private readonly nodes = new Map<string, Node>();
  /** Owner uid → uids of the nodes naming it in their ownerReferences. */
  private readonly dependentsOf = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): Node | undefined {
    return this.nodes.get(uid);
  }

  all(): IterableIterator<Node> {
    return this.nodes.values();
  }

  /** Inserts or replaces the node; returns the one it replaced. */
  set(node: Node): Node | undefined {
    const previous = this.nodes.get(node.uid);
    this.nodes.set(node.uid, node);
    if (previous) this.unlink(previous);
    this.link(node);
    return previous;
  }

  remove(uid: string): Node | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    this.unlink(node);
    return node;
  }

  /** The nodes naming `ownerUID` as an owner. */
  dependents(ownerUID: string): Node[] {
    const uids = this.dependentsOf.get(ownerUID);
    if (!uids) return [];
    const out: Node[] = [];
    for (const uid of uids) {
      const n = this.nodes.get(uid);
      if (n) out.push(n);
    }
    return out;
  }

  hasDependents(ownerUID: string): boolean {
    return (this.dependentsOf.get(ownerUID)?.size ?? 0) > 0;
  }

  private link(node: Node): void {
    for (const ref of node.ownerReferences) {
      let set = this.dependentsOf.get(ref.uid);
      if (!set) this.dependentsOf.set(ref.uid, (set = new Set()));
      set.add(node.uid);
    }
  }

  private unlink(node: Node): void {
    for (const ref of node.ownerReferences) {
      const set = this.dependentsOf.get(ref.uid);
      if (!set) continue;
      set.delete(node.uid);
      if (!set.size) this.dependentsOf.delete(ref.uid);
    }
  }
}
