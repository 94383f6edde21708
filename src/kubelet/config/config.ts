/**
 * The pod config between the API source and the pod lifecycle (upstream `pkg/kubelet/config`
 * `podStorage.merge` and `checkAndUpdatePod`): every status the agent writes through
 * `pods/status` comes back on its own watch, and such an echo must not sync the pod again.
 *
 *   watch event ──▶ checkAndUpdatePod(last synced, new) ──▶ add / update / delete ──▶ lifecycle.update
 *                                                       └─▶ reconcile (status only) ──▶ dropped, unless
 *                                                           the lifecycle must see it (statusNeedsSync)
 *                                                       └─▶ none ──▶ dropped
 *
 * A change is meaningful when the spec, labels, annotations (except the agent's own
 * `kubernetes.io/config.{source,mirror,seen}`), deletionTimestamp or deletionGracePeriodSeconds
 * differ; one with a deletionTimestamp is a graceful delete. A change of the status alone is a
 * reconcile.
 */
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { stableJson } from '../kuberuntime/labels.js';
import { containersReadyCondition, OWNED_CONDITIONS, readyCondition } from '../status/conditions.js';
import type { PodPhase } from '../status/phase.js';
import {
  CONFIG_MIRROR_ANNOTATION,
  CONFIG_SEEN_ANNOTATION,
  CONFIG_SOURCE_ANNOTATION,
  isMirrorPod,
  type PodUpdates,
} from './sources.js';

export type PodChange =
  /** not seen before */
  | 'add'
  /** spec or relevant metadata changed */
  | 'update'
  /** relevant change with a deletionTimestamp: a graceful delete */
  | 'delete'
  /** only the status changed */
  | 'reconcile'
  /** nothing the agent looks at changed (resourceVersion, managedFields, …) */
  | 'none';

/** Annotations the agent sets itself, left out of the comparison. */
const LOCAL_ANNOTATIONS = [CONFIG_SOURCE_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION];

const same = (a: unknown, b: unknown): boolean => stableJson(a ?? null) === stableJson(b ?? null);

const withoutLocal = (annotations: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !LOCAL_ANNOTATIONS.includes(k)));

/** Whether anything but the status differs in a way that concerns the agent. */
export function podsDifferSemantically(existing: Pod, next: Pod): boolean {
  const a = existing.metadata ?? {};
  const b = next.metadata ?? {};
  return !(
    same(existing.spec, next.spec) &&
    same(a.labels ?? {}, b.labels ?? {}) &&
    same(a.deletionTimestamp, b.deletionTimestamp) &&
    same(a.deletionGracePeriodSeconds, b.deletionGracePeriodSeconds) &&
    same(withoutLocal(a.annotations), withoutLocal(b.annotations))
  );
}

/** Upstream `checkAndUpdatePod`, as a classification of `next` against the pod last synced. */
export function checkAndUpdatePod(existing: Pod | undefined, next: Pod): PodChange {
  if (!existing) return 'add';
  if (podsDifferSemantically(existing, next)) return next.metadata?.deletionTimestamp ? 'delete' : 'update';
  return same(existing.status, next.status) ? 'none' : 'reconcile';
}

/**
 * Upstream `NeedToReconcilePodReadiness`: a pod with readiness gates whose recorded Ready
 * condition disagrees (status or message) with the one its conditions and container statuses give.
 */
export function needToReconcilePodReadiness(pod: Pod): boolean {
  if ((pod.spec?.readinessGates ?? []).length === 0) return false;
  const status = pod.status ?? {};
  const current = status.conditions?.find((c) => c.type === 'Ready');
  if (!current) return false;
  const containersReady = containersReadyCondition(
    pod,
    (status.phase ?? 'Pending') as PodPhase,
    status.initContainerStatuses ?? [],
    status.containerStatuses ?? [],
  );
  const expected = readyCondition(pod, containersReady, status.conditions ?? []);
  return current.status !== expected.status || (current.message ?? '') !== (expected.message ?? '');
}

const foreignConditions = (status: PodStatus | undefined): PodCondition[] =>
  (status?.conditions ?? [])
    .filter((c) => !(OWNED_CONDITIONS as readonly string[]).includes(c.type))
    .map((c) => ({ ...c, lastProbeTime: undefined, lastTransitionTime: undefined }))
    .sort((x, y) => x.type.localeCompare(y.type));

/**
 * Whether a status-only change must still reach the pod lifecycle. Upstream syncs only for the
 * readiness reconcile; the agent also passes on conditions other writers own (readiness-gate
 * conditions, PodScheduled, DisruptionTarget, …) because its status writes carry them over from
 * the pod it holds, and a stale copy would undo them.
 */
export function statusNeedsSync(existing: Pod, next: Pod): boolean {
  return (
    needToReconcilePodReadiness(next) ||
    !same(foreignConditions(existing.status), foreignConditions(next.status))
  );
}

/** Whether the pod goes on to the lifecycle (and is remembered as the one it holds). */
export function shouldSync(existing: Pod | undefined, next: Pod): boolean {
  const change = checkAndUpdatePod(existing, next);
  switch (change) {
    case 'add':
    case 'update':
    case 'delete':
      return true;
    case 'reconcile':
      return statusNeedsSync(existing as Pod, next);
    case 'none':
      return false;
  }
}

/**
 * The API source's pods without the agent's status echoes: each pod is compared with the last
 * one passed on (by uid); a pod gone from the API is forgotten. Mirror pods pass unchanged: the
 * mirror client follows their status itself.
 */
export function podConfig(updates: PodUpdates): PodUpdates {
  const synced = new Map<string, Pod>();
  return {
    update(pod) {
      if (isMirrorPod(pod)) return updates.update(pod);
      const uid = pod.metadata?.uid ?? '';
      if (!shouldSync(synced.get(uid), pod)) return;
      synced.set(uid, pod);
      updates.update(pod);
    },
    remove(pod) {
      synced.delete(pod.metadata?.uid ?? '');
      updates.remove(pod);
    },
  };
}
