/**
 * Pods nominated to run on a node (upstream's nominator, part of its PriorityQueue): a pending
 * pod whose preemption freed room on a node keeps that room while its victims terminate, because
 * Filter counts it there for pods of equal or lower priority (framework's
 * runFilterPluginsWithNominatedPods).
 *
 *   pending pod seen with status.nominatedNodeName → nominated there
 *   PostFilter nominates a node (or clears with '') → overrides what the pod object says
 *   pod updated without a nominated node, none before → the in-memory nomination is kept
 *   pod assumed, bound or deleted                  → no longer nominated
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

const none: readonly Pod[] = Object.freeze([]);
const uidOf = (pod: Pod): string => pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;

export class Nominator {
  private readonly byNode = new Map<string, Map<string, Pod>>();
  private readonly nodeOf = new Map<string, string>();

  /**
   * Nominates the pod: on `nodeName` when given ('' clears the nomination), else on its
   * status.nominatedNodeName. A pod already assigned to a node is not nominated.
   */
  add(pod: Pod, nodeName?: string): void {
    this.delete(pod);
    const node = nodeName ?? pod.status?.nominatedNodeName ?? '';
    if (!node || pod.spec?.nodeName) return;
    const uid = uidOf(pod);
    this.nodeOf.set(uid, node);
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(uid, pod);
  }

  /** A new version of a pending pod; keeps an in-memory nomination neither version names. */
  update(oldPod: Pod, newPod: Pod): void {
    const kept =
      !oldPod.status?.nominatedNodeName && !newPod.status?.nominatedNodeName
        ? this.nodeOf.get(uidOf(oldPod))
        : undefined;
    this.delete(oldPod);
    this.add(newPod, kept);
  }

  delete(pod: Pod): void {
    const uid = uidOf(pod);
    const node = this.nodeOf.get(uid);
    if (node === undefined) return;
    this.nodeOf.delete(uid);
    const pods = this.byNode.get(node);
    pods?.delete(uid);
    if (pods && !pods.size) this.byNode.delete(node);
  }

  /** The node the pod is nominated to, if any. */
  nominatedNodeOf(pod: Pod): string | undefined {
    return this.nodeOf.get(uidOf(pod));
  }

  /** True when no pod is nominated anywhere. */
  isEmpty(): boolean {
    return this.nodeOf.size === 0;
  }

  nominatedPodsForNode(nodeName: string): readonly Pod[] {
    const pods = this.byNode.get(nodeName);
    return pods ? [...pods.values()] : none;
  }
}
