/**
 * Garbage collector: cascading deletion through ownerReferences (upstream's
 * pkg/controller/garbagecollector), level-triggered over a graph of every served object.
 *
 *   Background: an object all of whose owners are gone (or waiting on foreground deletion) is
 *     deleted; one with a live owner keeps living and only loses the references to absent owners.
 *   Orphan: an owner terminating with the `orphan` finalizer has its references removed from all
 *     its dependents, then the finalizer removed.
 *   Foreground: an owner terminating with `foregroundDeletion` has its dependents deleted (in the
 *     foreground themselves when they have dependents of their own); the finalizer is removed
 *     once no dependent with `blockOwnerDeletion: true` is left.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { KubeObject } from '../../registry/resource.js';
import type { Logger } from '../../util/log.js';
import {
  Graph,
  type Node,
  beingDeleted,
  blocks,
  deletingDependents,
  describe,
  foregroundFinalizer,
  nodeOf,
  orphanFinalizer,
  orphaningDependents,
} from './graph.js';
import { GraphBuilder, sameResource } from './graph-builder.js';
import {
  type Propagation,
  deleteObject,
  removeFinalizer,
  removeOwnerReferences,
  unblockOwnerReferences,
} from './operations.js';
import { ReferenceCache, ownerKey } from './reference-cache.js';
import { WorkQueue } from './work-queue.js';

export interface GarbageCollectorOptions {
  api: Api;
  logger: Logger;
  /** Clock for retry backoff. */
  now?: () => Date;
  /** How often every object with owners (or waiting on its dependents) is looked at again. */
  resyncMs?: number;
  /** Objects processed at once. */
  workers?: number;
}

/** How an ownerReference stands: owner there, owner gone, owner waiting for its dependents to go. */
type OwnerState = 'solid' | 'dangling' | 'waiting';

/** A cluster-scoped object naming a namespaced owner: invalid, and retrying won't fix it. */
class NamespacedOwnerOfClusterScopedObjectError extends Error {}

export class GarbageCollector {
  private readonly graph = new Graph();
  private readonly queue: WorkQueue;
  private readonly absentOwners = new ReferenceCache();
  private readonly builder: GraphBuilder;

  constructor(private readonly o: GarbageCollectorOptions) {
    const now = o.now;
    this.queue = new WorkQueue(now ? { now: () => now().getTime() } : {});
    this.builder = new GraphBuilder({
      graph: this.graph,
      queue: this.queue,
      absentOwners: this.absentOwners,
      logger: o.logger,
    });
  }

  /** Resolves once every served resource is watched and in the graph; workers run until abort. */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const watched: RegistryStore[] = [];
    for (const registry of this.o.api.all()) {
      if (watched.some((r) => sameResource(r, registry))) continue;
      watched.push(registry);
      await this.builder.monitor(registry, signal);
    }
    const resync = setInterval(() => this.builder.resync(), this.o.resyncMs ?? 60_000);
    resync.unref();
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(resync);
        this.queue.shutDown();
      },
      { once: true },
    );
    for (let i = 0; i < (this.o.workers ?? 4); i++) void this.work();
  }

  private async work(): Promise<void> {
    for (;;) {
      const uid = await this.queue.get();
      if (uid === undefined) return;
      try {
        await this.sync(uid);
        this.queue.forget(uid);
      } catch (err) {
        if (err instanceof NamespacedOwnerOfClusterScopedObjectError) {
          this.o.logger.warn({ err: err.message }, 'invalid owner reference; not collecting');
          this.queue.forget(uid);
        } else {
          const node = this.graph.get(uid);
          this.o.logger.warn(
            { object: node ? describe(node) : uid, err: String(err), failures: this.queue.failureCount(uid) },
            'garbage collection failed; retrying',
          );
          this.queue.addRateLimited(uid);
        }
      } finally {
        this.queue.done(uid);
      }
    }
  }

  private async sync(uid: string): Promise<void> {
    const known = this.graph.get(uid);
    if (!known) return;
    // Terminating and not waiting on its dependents: nothing to do until it is gone.
    if (beingDeleted(known) && !deletingDependents(known) && !orphaningDependents(known)) return;
    let latest: KubeObject;
    try {
      latest = await known.registry.get(known.namespace, known.name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const node = nodeOf(known.registry, latest);
    if (!node || node.uid !== uid) return;
    if (orphaningDependents(node)) await this.orphanDependents(node);
    if (deletingDependents(node)) return this.processDeletingDependents(node);
    if (beingDeleted(node)) return;
    await this.attemptToDelete(node, latest);
  }

  /** Releases the owner's dependents, then lets the owner go. */
  private async orphanDependents(owner: Node): Promise<void> {
    const only = new Set([owner.uid]);
    const results = await Promise.allSettled(
      this.graph.dependents(owner.uid).map((d) => removeOwnerReferences(d, only)),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) {
      throw new Error(
        `orphaning ${failed.length} dependent(s) of ${describe(owner)} failed: ` +
          failed.map((r) => String(r.reason)).join('; '),
      );
    }
    this.o.logger.debug({ owner: describe(owner) }, 'dependents orphaned');
    await removeFinalizer(owner, orphanFinalizer);
  }

  /** Foreground deletion: delete the dependents; let the owner go once none blocks it. */
  private async processDeletingDependents(owner: Node): Promise<void> {
    const dependents = this.graph.dependents(owner.uid);
    for (const d of dependents) if (!beingDeleted(d)) this.queue.add(d.uid);
    if (dependents.some((d) => blocks(d, owner.uid))) return;
    this.o.logger.debug({ owner: describe(owner) }, 'no blocking dependents left');
    await removeFinalizer(owner, foregroundFinalizer);
  }

  private async attemptToDelete(node: Node, latest: KubeObject): Promise<void> {
    if (!node.ownerReferences.length) return;
    const states = new Map<OwnerState, OwnerReference[]>([
      ['solid', []],
      ['dangling', []],
      ['waiting', []],
    ]);
    for (const ref of node.ownerReferences) states.get(await this.classify(node, ref))?.push(ref);
    const solid = states.get('solid') ?? [];
    const dangling = states.get('dangling') ?? [];
    const waiting = states.get('waiting') ?? [];

    if (solid.length) {
      // Kept alive; references to absent owners go, and so do those to owners waiting on
      // their dependents (else those owners would wait for this object forever).
      if (!dangling.length && !waiting.length) return;
      this.o.logger.debug({ object: describe(node) }, 'removing references to absent or deleting owners');
      await removeOwnerReferences(node, new Set([...dangling, ...waiting].map((r) => r.uid)));
      return;
    }
    if (waiting.length && this.graph.hasDependents(node.uid)) {
      // An owner waits for this object, which has dependents of its own: delete it in the
      // foreground too. A dependent of it also waiting on its dependents may be a cycle; unblock.
      if (this.graph.dependents(node.uid).some(deletingDependents)) await unblockOwnerReferences(node);
      this.o.logger.debug({ object: describe(node) }, 'deleting in the foreground');
      await deleteObject(node, latest, 'Foreground');
      return;
    }
    // No owner left: collect it, honouring a propagation finalizer it already carries.
    const policy: Propagation = node.finalizers.includes(orphanFinalizer)
      ? 'Orphan'
      : node.finalizers.includes(foregroundFinalizer)
        ? 'Foreground'
        : 'Background';
    this.o.logger.debug({ object: describe(node), policy }, 'deleting object whose owners are gone');
    await deleteObject(node, latest, policy);
  }

  /** Where the owner a reference names stands; it resolves in the dependent's namespace. */
  private async classify(node: Node, ref: OwnerReference): Promise<OwnerState> {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const registry = this.resolve(group, version, ref.kind);
    if (!registry) throw new Error(`owner kind ${ref.kind} of ${ref.apiVersion} is not served`);
    const namespaced = registry.resource.namespaced;
    if (namespaced && !node.namespace) {
      throw new NamespacedOwnerOfClusterScopedObjectError(
        `cluster-scoped ${describe(node)} names namespaced owner ${ref.kind} ${ref.name}`,
      );
    }
    const namespace = namespaced ? node.namespace : '';
    const key = ownerKey(group, ref.kind, namespace, ref.name, ref.uid);
    if (this.absentOwners.has(key)) return 'dangling';
    const known = this.graph.get(ref.uid);
    if (
      known &&
      known.registry.resource.group === group &&
      known.registry.resource.kind === ref.kind &&
      known.namespace === namespace &&
      known.name === ref.name
    ) {
      return deletingDependents(known) ? 'waiting' : 'solid';
    }
    // Not (yet) in the graph under those coordinates: ask the API.
    let owner: KubeObject;
    try {
      owner = await registry.get(namespace, ref.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.absentOwners.add(key);
      return 'dangling';
    }
    if (owner.metadata?.uid !== ref.uid) {
      this.absentOwners.add(key);
      return 'dangling';
    }
    const meta = owner.metadata;
    return meta.deletionTimestamp && meta.finalizers?.includes(foregroundFinalizer) ? 'waiting' : 'solid';
  }

  /** The registry serving a kind, preferring the reference's version. */
  private resolve(group: string, version: string, kind: string): RegistryStore | undefined {
    const candidates = this.o.api.all().filter((r) => r.resource.group === group && r.resource.kind === kind);
    return candidates.find((r) => r.resource.version === version) ?? candidates[0];
  }
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
