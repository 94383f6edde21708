/**
 * Keeps the garbage collector's graph in step with the cluster: one watch per served resource
 * (a "monitor"), each event applied to the graph, and the objects whose situation the event may
 * have changed put on the work queue — dependents of an owner that went, owners waiting on a
 * dependent that went or stopped blocking, objects whose owners changed, owners that started
 * orphaning or foreground deletion.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ObjectEvent, RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { Logger } from '../../util/log.js';
import {
  type Graph,
  type Node,
  beingDeleted,
  deletingDependents,
  foregroundFinalizer,
  nodeOf,
  orphanFinalizer,
  orphaningDependents,
} from './graph.js';
import { type ReferenceCache, ownerKey } from './reference-cache.js';
import type { WorkQueue } from './work-queue.js';

export interface GraphBuilderOptions {
  graph: Graph;
  queue: WorkQueue;
  absentOwners: ReferenceCache;
  logger: Logger;
  /** Wait before re-establishing a failed watch (ms). */
  retryMs?: number;
}

export class GraphBuilder {
  constructor(private readonly o: GraphBuilderOptions) {}

  /**
   * Watches one resource until the signal aborts, re-listing after a failure. Resolves once the
   * resource's current objects are in the graph (or the first attempt failed and a retry is due).
   */
  async monitor(registry: RegistryStore, signal: AbortSignal): Promise<void> {
    const { logger } = this.o;
    const start = async (): Promise<void> => {
      if (signal.aborted) return;
      const inner = new AbortController();
      const stopInner = () => inner.abort();
      signal.addEventListener('abort', stopInner, { once: true });
      let failed = false;
      const restart = (err: Error) => {
        if (failed) return;
        failed = true;
        logger.warn({ resource: registry.resource.plural, err: err.message }, 'watch failed; relisting');
        inner.abort();
        signal.removeEventListener('abort', stopInner);
        setTimeout(() => void start(), this.o.retryMs ?? 1000).unref();
      };
      // Objects seen by this (re)list: whatever else the graph holds of the resource went
      // while no watch was open, and gets no DELETED event.
      let seen: Set<string> | undefined = new Set();
      try {
        await registry.watch('', { signal: inner.signal, onError: restart }, (e) => {
          const uid = e.object.metadata?.uid;
          if (seen && uid && e.type !== 'DELETED') seen.add(uid);
          this.observe(registry, e);
        });
      } catch (err) {
        restart(err as Error);
        return;
      }
      const listed = seen;
      seen = undefined;
      for (const node of [...this.o.graph.all()]) {
        if (sameResource(node.registry, registry) && !listed.has(node.uid)) this.forget(node.uid);
      }
    };
    await start();
  }

  /** Applies one watch event to the graph and queues the work it calls for. */
  observe(registry: RegistryStore, e: ObjectEvent): void {
    const node = nodeOf(registry, e.object);
    if (!node) return;
    if (e.type === 'DELETED') {
      this.forget(node.uid);
      return;
    }
    const { graph, queue } = this.o;
    const previous = graph.set(node);
    const ownersChanged = !previous || !isDeepStrictEqual(previous.ownerReferences, node.ownerReferences);
    if (ownersChanged && node.ownerReferences.length) queue.add(node.uid);
    if (previous && ownersChanged) this.addUnblockedOwners(previous, node);
    if (starts(previous, node, orphanFinalizer) || starts(previous, node, foregroundFinalizer)) {
      queue.add(node.uid);
    }
  }

  /** Queues everything worth a look again (a periodic resync catches anything missed). */
  resync(): void {
    for (const node of this.o.graph.all()) {
      if (node.ownerReferences.length || orphaningDependents(node) || deletingDependents(node)) {
        this.o.queue.add(node.uid);
      }
    }
  }

  /** The object is gone: its dependents may be garbage now, and its owners may be unblocked. */
  private forget(uid: string): void {
    const { graph, queue, absentOwners } = this.o;
    const node = graph.remove(uid);
    if (!node) return;
    const dependents = graph.dependents(uid);
    if (dependents.length) {
      const r = node.registry.resource;
      absentOwners.add(ownerKey(r.group, r.kind, node.namespace, node.name, uid));
    }
    for (const dependent of dependents) queue.add(dependent.uid);
    for (const ref of node.ownerReferences) {
      const owner = graph.get(ref.uid);
      if (owner && deletingDependents(owner)) queue.add(owner.uid);
    }
  }

  /** Owners a dependent stopped blocking (reference removed, or blockOwnerDeletion cleared). */
  private addUnblockedOwners(previous: Node, node: Node): void {
    for (const old of previous.ownerReferences) {
      if (old.blockOwnerDeletion !== true) continue;
      const still = node.ownerReferences.some((r) => r.uid === old.uid && r.blockOwnerDeletion === true);
      if (still) continue;
      if (this.o.graph.get(old.uid)) this.o.queue.add(old.uid);
    }
  }
}

/** Whether the node just became terminating with `finalizer` (or was first seen so). */
function starts(previous: Node | undefined, node: Node, finalizer: string): boolean {
  if (!beingDeleted(node) || !node.finalizers.includes(finalizer)) return false;
  return !previous || !beingDeleted(previous) || !previous.finalizers.includes(finalizer);
}

/** Registries of the same resource in different versions share their objects. */
export const sameResource = (a: RegistryStore, b: RegistryStore): boolean =>
  a.resource.group === b.resource.group && a.resource.plural === b.resource.plural;
