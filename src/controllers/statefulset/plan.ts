/**
 * What a StatefulSet needs next (upstream's defaultStatefulSetControl.updateStatefulSet), as a
 * pure plan. Ordinals in range are created in ascending order and those out of range deleted in
 * descending order; with OrderedReady each step waits until every earlier pod is Running and
 * Ready (and available for minReadySeconds), with Parallel it does not. A RollingUpdate then
 * replaces pods not at the update revision one at a time, highest ordinal first, down to the
 * partition.
 */
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, isPodReady, isPodTerminating } from '../replicaset/controller-utils.js';
import { ordinalOf, podRevision } from './identity.js';

/**
 * `create` names the revision the new pod gets (newVersionedStatefulSetPod: below the partition
 * the current one); `delete` of a failed pod is its recreation (RecreatingFailedPod).
 */
export type StatefulSetAction =
  | { type: 'create'; ordinal: number; revision: 'current' | 'update' }
  | { type: 'delete'; pod: Pod; failed?: boolean };

export interface StatefulSetPlan {
  actions: StatefulSetAction[];
  status: StatefulSetStatus;
  /** Waiting for a pod to be available for minReadySeconds: look again after this many ms. */
  recheckAfterMs?: number;
}

const isFinished = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const runningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const healthy = (p: Pod) => runningAndReady(p) && !isPodTerminating(p);

export function computeStatus(
  sts: StatefulSet,
  pods: Pod[],
  currentRevision: string,
  updateRevision: string,
  now: Date,
): StatefulSetStatus {
  const minReady = sts.spec?.minReadySeconds ?? 0;
  const st: StatefulSetStatus = {
    observedGeneration: sts.metadata?.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision,
    updateRevision,
    collisionCount: sts.status?.collisionCount ?? 0,
  };
  for (const p of pods) {
    if (!p.status?.phase) continue;
    st.replicas++;
    if (runningAndReady(p)) {
      st.readyReplicas = (st.readyReplicas ?? 0) + 1;
      if (isPodAvailable(p, minReady, now)) st.availableReplicas = (st.availableReplicas ?? 0) + 1;
    }
    if (isPodTerminating(p)) continue;
    if (podRevision(p) === currentRevision) st.currentReplicas = (st.currentReplicas ?? 0) + 1;
    if (podRevision(p) === updateRevision) st.updatedReplicas = (st.updatedReplicas ?? 0) + 1;
  }
  // completeRollingUpdate: once every pod is updated and ready, the update revision is current
  // (OnDelete leaves the current revision as it was).
  if (
    sts.spec?.updateStrategy?.type === 'RollingUpdate' &&
    st.updatedReplicas === st.replicas &&
    st.readyReplicas === st.replicas
  ) {
    st.currentRevision = updateRevision;
    st.currentReplicas = st.updatedReplicas;
  }
  return st;
}

/**
 * newVersionedStatefulSetPod's choice: with a RollingUpdate, ordinals below the partition (or,
 * without rollingUpdate settings, below start + currentReplicas) are created at the current
 * revision; every other pod at the update revision.
 */
export function revisionForNewPod(sts: StatefulSet, ordinal: number, start: number): 'current' | 'update' {
  const strategy = sts.spec?.updateStrategy;
  const rolling = strategy?.type === 'RollingUpdate';
  if (rolling && !strategy.rollingUpdate && ordinal < start + (sts.status?.currentReplicas ?? 0))
    return 'current';
  if (strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0)) return 'current';
  return 'update';
}

export function planStatefulSet(
  sts: StatefulSet,
  pods: Pod[],
  currentRevision: string,
  updateRevision: string,
  now: Date,
): StatefulSetPlan {
  const status = computeStatus(sts, pods, currentRevision, updateRevision, now);
  const actions: StatefulSetAction[] = [];
  const plan: StatefulSetPlan = { actions, status };
  if (sts.metadata?.deletionTimestamp) return plan;
  const start = sts.spec?.ordinals?.start ?? 0;
  const end = start + (sts.spec?.replicas ?? 0);
  const monotonic = sts.spec?.podManagementPolicy !== 'Parallel';
  const minReady = sts.spec?.minReadySeconds ?? 0;
  const slots = new Map<number, Pod>();
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(p);
    if (ord < 0) continue;
    if (ord >= start && ord < end) slots.set(ord, p);
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

  for (let ord = start; ord < end; ord++) {
    const pod = slots.get(ord);
    if (!pod) {
      actions.push({ type: 'create', ordinal: ord, revision: revisionForNewPod(sts, ord, start) });
      if (monotonic) return plan;
      continue;
    }
    if (isFinished(pod) && !isPodTerminating(pod)) {
      // Deleted now, recreated on the next pass.
      actions.push({ type: 'delete', pod, failed: true });
      if (monotonic) return plan;
      continue;
    }
    if (isPodTerminating(pod) || !runningAndReady(pod)) {
      if (monotonic) return plan;
      continue;
    }
    if (!isPodAvailable(pod, minReady, now)) {
      plan.recheckAfterMs = minReady * 1000;
      if (monotonic) return plan;
    }
  }

  const firstUnhealthy = condemned.find((p) => !healthy(p));
  for (const pod of condemned) {
    if (isPodTerminating(pod)) {
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && !runningAndReady(pod) && pod !== firstUnhealthy) return plan;
    actions.push({ type: 'delete', pod });
    if (monotonic) return plan;
  }
  if (actions.length) return plan;

  const strategy = sts.spec?.updateStrategy;
  if (strategy?.type !== 'RollingUpdate') return plan;
  const updateMin = start + (strategy.rollingUpdate?.partition ?? 0);
  for (let ord = end - 1; ord >= updateMin; ord--) {
    const pod = slots.get(ord);
    if (!pod) continue;
    if (podRevision(pod) !== updateRevision && !isPodTerminating(pod)) {
      actions.push({ type: 'delete', pod });
      return plan;
    }
    if (!healthy(pod)) return plan;
  }
  return plan;
}
