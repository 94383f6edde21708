/**
 * The PodDisruptionBudget arithmetic (upstream's pkg/controller/disruption), as pure functions:
 *
 *   expected pods / desired healthy:
 *     maxUnavailable (int or %)  → expected = owners' scale, desired = expected − ⌈maxUnavailable⌉
 *     minAvailable %             → expected = owners' scale, desired = ⌈expected × minAvailable⌉
 *     minAvailable int           → expected = matching pods, desired = minAvailable
 *   current healthy: matching pods that are Ready, not terminating and not just evicted
 *   disruptedPods:   evictions the controller has not seen happen yet, kept for 2 minutes
 *   disruptions allowed: current − desired (0 when negative or nothing is expected)
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Condition } from 'kubernetes-types/meta/v1.js';
import type {
  PodDisruptionBudget,
  PodDisruptionBudgetSpec,
  PodDisruptionBudgetStatus,
} from 'kubernetes-types/policy/v1.js';
import { selectorFromLabelSelector } from '../../apimachinery/labels/index.js';

/** How long an eviction recorded in `disruptedPods` waits for the pod's deletion to be seen. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
export const SYNC_FAILED_REASON = 'SyncFailed';

/** metav1.Time: RFC 3339 with seconds. */
export const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * An int-or-string against a total: integers as they are, `N%` as a share of `total` rounded up
 * or down (intstr.GetScaledValueFromIntOrPercent). Throws on anything else.
 */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${value}"`);
  const share = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

export const isPodReady = (pod: Pod): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** policy/v1 selection: no selector matches nothing, an empty one every pod of the namespace. */
export function pdbMatchesPod(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (pdb.metadata?.namespace !== pod.metadata?.namespace) return false;
  try {
    return selectorFromLabelSelector(pdb.spec?.selector).matches(pod.metadata?.labels ?? {});
  } catch {
    return false; // an invalid selector matches no pod
  }
}

/** Whether the budget's numbers need the scale of the pods' controllers. */
export const needsScale = (spec: PodDisruptionBudgetSpec | undefined): boolean =>
  spec?.maxUnavailable !== undefined || typeof spec?.minAvailable === 'string';

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
}

/** `scale` is the owners' summed replicas, needed only when `needsScale(spec)`. */
export function expectedPodCount(
  spec: PodDisruptionBudgetSpec | undefined,
  matchingPods: number,
  scale: number,
): ExpectedCount {
  if (spec?.maxUnavailable !== undefined) {
    const desired = scale - scaledValue(spec.maxUnavailable, scale, true);
    return { expectedCount: scale, desiredHealthy: Math.max(0, desired) };
  }
  if (typeof spec?.minAvailable === 'number') {
    return { expectedCount: matchingPods, desiredHealthy: spec.minAvailable };
  }
  if (typeof spec?.minAvailable === 'string') {
    return { expectedCount: scale, desiredHealthy: scaledValue(spec.minAvailable, scale, true) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

export interface DisruptedPods {
  /** The entries still waiting for their pod's deletion. */
  pods: Record<string, string>;
  /** When the earliest of them expires (epoch ms), to look again then. */
  recheckAt?: number;
}

/**
 * Keeps the evictions whose pod still exists, is not yet terminating and was evicted less
 * than DELETION_TIMEOUT_MS ago.
 */
export function buildDisruptedPods(pdb: PodDisruptionBudget, pods: Pod[], now: number): DisruptedPods {
  const recorded = pdb.status?.disruptedPods ?? {};
  const out: DisruptedPods = { pods: {} };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || !Object.hasOwn(recorded, name)) continue;
    const at = recorded[name] ?? '';
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (!(expires > now)) continue; // expected to be deleted by now: it was not
    out.pods[name] = at;
    if (out.recheckAt === undefined || expires < out.recheckAt) out.recheckAt = expires;
  }
  return out;
}

export function countHealthy(pods: Pod[], disrupted: Record<string, string>): number {
  return pods.filter(
    (p) =>
      !p.metadata?.deletionTimestamp && !Object.hasOwn(disrupted, p.metadata?.name ?? '') && isPodReady(p),
  ).length;
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status changes. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
  now: number,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : rfc3339(now);
  const c: Condition = { ...next, lastTransitionTime };
  if (i >= 0) list[i] = c;
  else list.push(c);
  return list;
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed. */
export function withDisruptionAllowedCondition(
  status: PodDisruptionBudgetStatus,
  now: number,
): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  const condition = {
    type: DISRUPTION_ALLOWED_CONDITION,
    status: allowed ? 'True' : 'False',
    reason: allowed ? SUFFICIENT_PODS_REASON : INSUFFICIENT_PODS_REASON,
    message: '',
    ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
  };
  return { ...status, conditions: setCondition(status.conditions, condition, now) };
}

export interface BudgetInput {
  pdb: PodDisruptionBudget;
  /** The pods the budget selects. */
  pods: Pod[];
  expected: ExpectedCount;
  now: number;
}

export interface BudgetPlan {
  status: PodDisruptionBudgetStatus;
  recheckAt?: number;
}

/** The status a budget should have now. */
export function computeStatus({ pdb, pods, expected, now }: BudgetInput): BudgetPlan {
  const disrupted = buildDisruptedPods(pdb, pods, now);
  const currentHealthy = countHealthy(pods, disrupted.pods);
  let disruptionsAllowed = currentHealthy - expected.desiredHealthy;
  if (expected.expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const status: PodDisruptionBudgetStatus = {
    currentHealthy,
    desiredHealthy: expected.desiredHealthy,
    expectedPods: expected.expectedCount,
    disruptionsAllowed,
    ...(Object.keys(disrupted.pods).length ? { disruptedPods: disrupted.pods } : {}),
    observedGeneration: pdb.metadata?.generation ?? 0,
    ...(pdb.status?.conditions ? { conditions: pdb.status.conditions } : {}),
  };
  return {
    status: withDisruptionAllowedCondition(status, now),
    ...(disrupted.recheckAt !== undefined ? { recheckAt: disrupted.recheckAt } : {}),
  };
}

/** failSafe: when the numbers cannot be computed, no disruption is allowed. */
export function failSafeStatus(
  pdb: PodDisruptionBudget,
  message: string,
  now: number,
): PodDisruptionBudgetStatus {
  const status: PodDisruptionBudgetStatus = {
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    ...pdb.status,
    disruptionsAllowed: 0,
  };
  const condition = {
    type: DISRUPTION_ALLOWED_CONDITION,
    status: 'False',
    reason: SYNC_FAILED_REASON,
    message,
    ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
  };
  return { ...status, conditions: setCondition(status.conditions, condition, now) };
}
