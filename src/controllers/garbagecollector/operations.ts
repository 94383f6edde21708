/**
 * The writes the garbage collector makes, each aimed at the object a graph node stands for
 * (same uid): deleting it, dropping or unblocking its ownerReferences, removing a finalizer.
 * An object that is gone (or was replaced by another of the same name) needs nothing more.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { DeleteOptions } from '../../apiserver/generic-registry/store.js';
import { isConflict, isNotFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../registry/resource.js';
import type { Node } from './graph.js';

export type Propagation = NonNullable<DeleteOptions['propagationPolicy']>;

class ReplacedError extends Error {}

/** Changes the node's object in place (retrying on write races) unless it is gone. */
async function updateObject(node: Node, change: (meta: ObjectMeta) => void): Promise<void> {
  try {
    await node.registry.guaranteedUpdate(node.namespace, node.name, (obj) => {
      if (obj.metadata?.uid !== node.uid) throw new ReplacedError();
      change((obj.metadata ??= {}));
      return obj;
    });
  } catch (err) {
    if (isNotFound(err) || err instanceof ReplacedError) return;
    throw err;
  }
}

/** Drops the references to the given owners from the node's object. */
export function removeOwnerReferences(node: Node, ownerUIDs: ReadonlySet<string>): Promise<void> {
  return updateObject(node, (meta) => {
    const kept = (meta.ownerReferences ?? []).filter((r) => !ownerUIDs.has(r.uid));
    if (kept.length) meta.ownerReferences = kept;
    else delete meta.ownerReferences;
  });
}

/** Makes every blocking reference of the node's object non-blocking. */
export function unblockOwnerReferences(node: Node): Promise<void> {
  return updateObject(node, (meta) => {
    if (!meta.ownerReferences) return;
    meta.ownerReferences = meta.ownerReferences.map((r) =>
      r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r,
    );
  });
}

export function removeFinalizer(node: Node, finalizer: string): Promise<void> {
  return updateObject(node, (meta) => {
    if (!meta.finalizers?.includes(finalizer)) return;
    const kept = meta.finalizers.filter((f) => f !== finalizer);
    if (kept.length) meta.finalizers = kept;
    else delete meta.finalizers;
  });
}

/**
 * Deletes the node's object as it was when the decision was made (`latest`): if it changed
 * since, it is deleted anyway only when its ownerReferences are still the same; otherwise the
 * conflict is thrown so that the object is looked at again.
 */
export async function deleteObject(node: Node, latest: KubeObject, policy: Propagation): Promise<void> {
  const { registry, namespace, name, uid } = node;
  const resourceVersion = latest.metadata?.resourceVersion;
  try {
    await registry.delete(namespace, name, {
      preconditions: { uid, ...(resourceVersion ? { resourceVersion } : {}) },
      propagationPolicy: policy,
    });
    return;
  } catch (err) {
    if (isNotFound(err)) return;
    if (!isConflict(err) || !resourceVersion) throw err;
    let live: KubeObject;
    try {
      live = await registry.get(namespace, name);
    } catch (getErr) {
      if (isNotFound(getErr)) return;
      throw getErr;
    }
    if (live.metadata?.uid !== uid) return;
    const owners = (o: KubeObject) => o.metadata?.ownerReferences ?? [];
    if (!isDeepStrictEqual(owners(live), owners(latest))) throw err;
  }
  try {
    await registry.delete(namespace, name, { preconditions: { uid }, propagationPolicy: policy });
  } catch (err) {
    // Gone, or replaced by a new object of the same name (uid precondition).
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}
