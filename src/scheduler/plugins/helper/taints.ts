/**
 * Taints and tolerations, as upstream's core/v1 helpers: a toleration matches a taint when its
 * effect is empty or equal, its key is empty or equal, and its operator is `Exists` or
 * `Equal`/empty with an equal value.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const tolerationsTolerateTaint = (
  tolerations: readonly Toleration[] | undefined,
  taint: Taint,
): boolean => (tolerations ?? []).some((t) => toleratesTaint(t, taint));

/** The first taint (in node order) that passes `inScope` and that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  inScope: (t: Taint) => boolean,
): Taint | undefined {
  return (taints ?? []).find((t) => inScope(t) && !tolerationsTolerateTaint(tolerations, t));
}

/** NoSchedule and NoExecute taints keep pods off a node (upstream's DoNotScheduleTaintsFilterFunc). */
export const doNotScheduleTaints = (t: Taint): boolean =>
  t.effect === 'NoSchedule' || t.effect === 'NoExecute';
