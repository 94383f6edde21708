/**
 * Which pods a scale-down removes first (upstream's ActivePodsWithRanks and getPodsToDelete):
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready,
 * lower `controller.kubernetes.io/pod-deletion-cost` first, pods doubled up on a node (with
 * their owner's related pods) first, ready more recently first, more restarts first, newer first.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodReady, podReadySince } from './controller-utils.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

const deletionCost = (pod: Pod): number => {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) ? n : 0;
};

const restarts = (pod: Pod): number =>
  Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

const created = (pod: Pod): number => {
  const t = pod.metadata?.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

export interface RankedPod {
  pod: Pod;
  /** How many related pods share its node (higher: deleted first). */
  rank: number;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod): number {
  const pa = a.pod;
  const pb = b.pod;
  const sa = pa.spec?.nodeName ? 1 : 0;
  const sb = pb.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const phase = (p: Pod) => PHASE_ORDER[p.status?.phase ?? ''] ?? 0;
  if (phase(pa) !== phase(pb)) return phase(pa) - phase(pb);
  const ra = isPodReady(pa) ? 1 : 0;
  const rb = isPodReady(pb) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (deletionCost(pa) !== deletionCost(pb)) return deletionCost(pa) - deletionCost(pb);
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const ta = podReadySince(pa) ?? 0;
    const tb = podReadySince(pb) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  if (restarts(pa) !== restarts(pb)) return restarts(pb) - restarts(pa);
  return created(pb) - created(pa);
}

/**
 * The `count` pods to delete out of `pods`, ranked by how many of `related` (pods of the same
 * owner and, for Deployments, of its other ReplicaSets) run on their node.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  return ranked
    .sort(compareForDeletion)
    .slice(0, count)
    .map((r) => r.pod);
}

/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;

/** How many pods to create (positive) or delete (negative) to reach `replicas`. */
export function replicaDiff(activePods: number, replicas: number): number {
  const diff = replicas - activePods;
  return Math.max(-BURST_REPLICAS, Math.min(BURST_REPLICAS, diff));
}

/** SlowStartBatch sizes: 1, 2, 4, … summing to `count`. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initial);
  while (size > 0) {
    out.push(size);
    remaining -= size;
    size = Math.min(2 * size, remaining);
  }
  return out;
}
