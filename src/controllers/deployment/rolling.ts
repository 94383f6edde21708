/**
 * The scaling decisions of a Deployment rollout, as pure functions over ReplicaSets (upstream's
 * rolling.go, recreate.go, sync.go `scale` and util's NewRSNewReplicas): each returns the
 * replica counts to set, which the controller then writes.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import {
  activeReplicaSets,
  byCreation,
  bySize,
  desiredReplicasAnnotation,
  isRollingUpdate,
  maxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  replicasOf,
  revisionOf,
  specReplicas,
  sumSpec,
  sumStatus,
} from './util.js';

/** A scale to carry out: the ReplicaSet and its new spec.replicas. */
export type ScaleStep = [rs: ReplicaSet, replicas: number];

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = sumSpec(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function reconcileNewReplicaSet(
  d: Deployment,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet,
): number | undefined {
  const want = replicasOf(d);
  if (specReplicas(newRS) === want) return undefined;
  if (specReplicas(newRS) > want) return want;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === specReplicas(newRS) ? undefined : next;
}

/**
 * reconcileOldReplicaSets: first scale down old ReplicaSets' unhealthy (unavailable) replicas,
 * then as many available ones as keep `replicas - maxUnavailable` pods available.
 */
export function planOldReplicaSets(
  d: Deployment,
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): ScaleStep[] {
  const active = activeReplicaSets(oldRSs);
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  if (sumSpec(active) === 0) return [];
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const sizes = new Map<ReplicaSet, number>(oldRSs.map((rs) => [rs, specReplicas(rs)]));
  const sorted = [...active].sort(byCreation);
  // Unhealthy replicas first.
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs) ?? 0;
    const unhealthy = size - (rs.status?.availableReplicas ?? 0);
    if (size === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    sizes.set(rs, size - down);
    cleaned += down;
  }
  // Then available ones, keeping minAvailable.
  const available = sumStatus(all, 'availableReplicas');
  if (available > minAvailable) {
    const total = available - minAvailable;
    let scaled = 0;
    for (const rs of sorted) {
      if (scaled >= total) break;
      const size = sizes.get(rs) ?? 0;
      if (size === 0) continue;
      const down = Math.min(size, total - scaled);
      sizes.set(rs, size - down);
      scaled += down;
    }
  }
  return sorted.filter((rs) => sizes.get(rs) !== specReplicas(rs)).map((rs) => [rs, sizes.get(rs) ?? 0]);
}

/** FindActiveOrLatest: the one active ReplicaSet, or the newest when none is; undefined if several. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = activeReplicaSets([...newestFirst, ...(newRS ? [newRS] : [])]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: the ReplicaSet is the whole Deployment and all its pods are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return (
    specReplicas(rs) === want &&
    desiredReplicasAnnotation(rs) === want &&
    rs.status?.availableReplicas === want
  );
}

/** isScalingEvent: an active ReplicaSet was sized for another `spec.replicas`. */
export function isScalingEvent(d: Deployment, rss: ReplicaSet[]): boolean {
  return activeReplicaSets(rss).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

/** getReplicaSetFraction: the share of a change in size that falls to `rs`. */
function fraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

/**
 * `scale`: a Deployment resized mid-rollout. One active (or no active) ReplicaSet takes the full
 * size; a saturated new one leaves the old ones at zero; otherwise, for rolling updates, the
 * change is shared in proportion to size, leftovers to the largest.
 */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleStep[] {
  const target = findActiveOrLatest(newRS, oldRSs);
  if (target) return specReplicas(target) === replicasOf(d) ? [] : [[target, replicasOf(d)]];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => [rs, 0]);
  if (!isRollingUpdate(d)) return [];
  const all = activeReplicaSets([...oldRSs, ...(newRS ? [newRS] : [])]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(all);
  if (toAdd === 0) return [];
  all.sort(bySize(toAdd > 0));
  let added = 0;
  const sizes = all.map((rs) => {
    if (specReplicas(rs) === 0 || toAdd === added) return specReplicas(rs);
    const share = fraction(rs, d);
    const allowedNow = toAdd - added;
    const p = toAdd > 0 ? Math.min(share, allowedNow) : Math.max(share, allowedNow);
    added += p;
    return specReplicas(rs) + p;
  });
  sizes[0] = Math.max(0, (sizes[0] ?? 0) + toAdd - added);
  // Every one is written, even at the same size: its replica annotations may be stale.
  return all.map((rs, i): ScaleStep => [rs, sizes[i] ?? 0]);
}

/** cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, fully scaled down, oldest revision first. */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  const sorted = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  return sorted
    .slice(0, diff)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        specReplicas(rs) === 0 &&
        (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    );
}

/** Recreate: whether pods of old ReplicaSets may still run (any not Succeeded/Failed). */
export function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  podPhasesByRS: Map<string, string[]>,
): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, phases] of podPhasesByRS) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (phases.some((p) => p !== 'Failed' && p !== 'Succeeded')) return true;
  }
  return false;
}
