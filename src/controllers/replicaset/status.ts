/**
 * A ReplicaSet's (or ReplicationController's) status from its active pods (upstream's
 * calculateStatus): replicas, fully labeled, ready and available counts, the generation seen, and
 * a ReplicaFailure condition while creating or deleting pods fails.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../apiserver/generic-registry/store.js';
import { hasLabels, isPodAvailable, isPodReady } from './controller-utils.js';
import type { Replicated } from './kinds.js';

export interface ManageError {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

export function calculateReplicaStatus(
  rs: Replicated,
  pods: Pod[],
  manageError: ManageError | undefined,
  now: Date,
): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (hasLabels(pod.metadata?.labels, templateLabels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      reason: manageError.reason,
      message: manageError.message,
      lastTransitionTime: rfc3339(now),
    });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}
