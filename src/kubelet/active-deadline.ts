/**
 * `spec.activeDeadlineSeconds` (upstream kubelet `active_deadline.go`): a pod active on this node
 * longer than its deadline — now − status.startTime ≥ activeDeadlineSeconds — is failed: phase
 * Failed, reason DeadlineExceeded, its containers killed, a Normal DeadlineExceeded event. The
 * API lets the deadline be set on a running pod, or lowered, never raised or removed.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

export const DEADLINE_EXCEEDED_REASON = 'DeadlineExceeded';
export const DEADLINE_EXCEEDED_MESSAGE = 'Pod was active on the node longer than the specified deadline';

/**
 * Milliseconds left before the pod's deadline (≤ 0: past it); null when it has none, or has not
 * started on this node yet (no startTime).
 */
export function activeDeadlineRemainingMs(pod: Pod, startTime: string | undefined, now: Date): number | null {
  const seconds = pod.spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || !startTime) return null;
  const started = Date.parse(startTime);
  if (Number.isNaN(started)) return null;
  return started + seconds * 1000 - now.getTime();
}

/** Whether the pod has been active on the node for its activeDeadlineSeconds or longer. */
export function pastActiveDeadline(pod: Pod, startTime: string | undefined, now: Date): boolean {
  const left = activeDeadlineRemainingMs(pod, startTime, now);
  return left !== null && left <= 0;
}
