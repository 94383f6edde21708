/**
 * Pod conditions as upstream's `podutil.UpdatePodCondition` keeps them: a condition replaces
 * the one of its type in place, and keeps its lastTransitionTime while its status is unchanged.
 */
import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';

/** RFC 3339 with seconds, as the API server writes metav1.Time. */
export const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/** `lastProbeTime: null`, as upstream serializes an unset metav1.Time in a condition. */
const NULL_TIME = null as unknown as string;

export function updatePodCondition(
  status: PodStatus,
  condition: Omit<PodCondition, 'lastTransitionTime'>,
  now: Date,
): void {
  const next: PodCondition = { lastProbeTime: NULL_TIME, ...condition, lastTransitionTime: rfc3339(now) };
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === condition.type);
  if (i < 0) {
    conditions.push(next);
    return;
  }
  const old = conditions[i];
  if (old && old.status === next.status && old.lastTransitionTime)
    next.lastTransitionTime = old.lastTransitionTime;
  conditions[i] = next;
}
