/**
 * Deployment status and conditions (upstream's sync.go calculateStatus / syncRolloutStatus and
 * progress.go): counts summed over the ReplicaSets, `Available` from minimum availability, and
 * `Progressing` moving through NewReplicaSetCreated / FoundNewReplicaSet / ReplicaSetUpdated to
 * NewReplicaSetAvailable, or ProgressDeadlineExceeded when no progress was made in time.
 */
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSet,
} from 'kubernetes-types/apps/v1.js';
import { rfc3339 } from '../../apiserver/generic-registry/store.js';
import { maxUnavailable, replicasOf, sumSpec, sumStatus } from './util.js';

export const Reasons = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  FailedReplicaSetCreate: 'ReplicaSetCreateError',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

type ConditionType = 'Available' | 'Progressing' | 'ReplicaFailure';

export function newCondition(
  type: ConditionType,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: Date,
): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export const getCondition = (st: DeploymentStatus | undefined, type: ConditionType) =>
  (st?.conditions ?? []).find((c) => c.type === type);

export function removeCondition(st: DeploymentStatus, type: ConditionType): void {
  const rest = (st.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) st.conditions = rest;
  else delete st.conditions;
}

/** SetDeploymentCondition: same status and reason leave it be; same status keeps the transition time. */
export function setCondition(st: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(st, c.type as ConditionType);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status && cur.lastTransitionTime)
    next.lastTransitionTime = cur.lastTransitionTime;
  st.conditions = [...(st.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export const hasProgressDeadline = (d: Deployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/** calculateStatus. */
export function calculateStatus(
  d: Deployment,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  now: Date,
) {
  const available = sumStatus(allRSs, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: sumStatus([newRS], 'replicas'),
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions ? { conditions: d.status.conditions.map((c) => ({ ...c })) } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        'Available',
        'True',
        Reasons.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        Reasons.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and the latest generation seen. */
export function deploymentComplete(d: Deployment, st: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (
    st.updatedReplicas === want &&
    st.replicas === want &&
    st.availableReplicas === want &&
    (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than before. */
export function deploymentProgressing(d: Deployment, st: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (
    (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the last progress is older than progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, st: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c || c.reason === Reasons.NewReplicaSetAvailable) return false;
  if (c.reason === Reasons.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '') || 0;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/** syncRolloutStatus's status: counts, then Progressing, then ReplicaFailure copied from the ReplicaSets. */
export function rolloutStatus(
  d: Deployment,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  now: Date,
): DeploymentStatus {
  const st = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing');
  const cur = getCondition(st, 'Progressing');
  const complete = st.replicas === st.updatedReplicas && cur?.reason === Reasons.NewReplicaSetAvailable;
  const subject = newRS
    ? `ReplicaSet "${newRS.metadata?.name ?? ''}"`
    : `Deployment "${d.metadata?.name ?? ''}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, st)) {
      setCondition(
        st,
        newCondition(
          'Progressing',
          'True',
          Reasons.NewReplicaSetAvailable,
          `${subject} has successfully progressed.`,
          now,
        ),
      );
    } else if (deploymentProgressing(d, st)) {
      const c = newCondition(
        'Progressing',
        'True',
        Reasons.ReplicaSetUpdated,
        `${subject} is progressing.`,
        now,
      );
      if (cur?.status === 'True' && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
      // Progress refreshes lastUpdateTime even when the reason stays the same.
      removeCondition(st, 'Progressing');
      setCondition(st, c);
    } else if (deploymentTimedOut(d, st, now)) {
      setCondition(
        st,
        newCondition('Progressing', 'False', Reasons.TimedOut, `${subject} has timed out progressing.`, now),
      );
    }
  }
  const failure = allRSs
    .flatMap((rs) => rs.status?.conditions ?? [])
    .find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) {
    setCondition(
      st,
      newCondition(
        'ReplicaFailure',
        failure.status as 'True',
        failure.reason ?? '',
        failure.message ?? '',
        now,
      ),
    );
  } else removeCondition(st, 'ReplicaFailure');
  return st;
}

/** requeueStuckDeployment: ms until the progress deadline passes, or undefined when nothing to wait for. */
export function progressRecheckAfter(d: Deployment, st: DeploymentStatus, now: Date): number | undefined {
  const c = getCondition(st, 'Progressing');
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, st) || c.reason === Reasons.TimedOut) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '') || 0;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  return after < 1000 ? 0 : after + 1000;
}
