/**
 * apps/v1 defaulting (upstream's pkg/apis/apps/v1/defaults.go and the generated defaulters that
 * run SetDefaults_PodSpec on every embedded pod template): replicas 1, revision history 10,
 * Deployment strategy RollingUpdate 25%/25% with a 600 s progress deadline, StatefulSet
 * OrderedReady with RollingUpdate partition 0 and a Retain/Retain PVC retention policy.
 */
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { setDefaultsPodSpec } from '../../core/v1/defaults.js';
import type { Mutable } from '../../../registry/resource.js';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_MAX_SURGE = '25%';
export const DEFAULT_MAX_UNAVAILABLE = '25%';

/** The defaulters of a PodTemplateSpec: only its pod spec has any. */
export function setDefaultsPodTemplateSpec(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  const spec = ((template as Mutable<PodTemplateSpec>).spec ??= { containers: [] });
  setDefaultsPodSpec(spec);
}

export function setDefaultsReplicaSet(rs: ReplicaSet): void {
  const spec = ((rs as Mutable<ReplicaSet>).spec ??= { selector: {}, template: {} });
  spec.replicas ??= 1;
  setDefaultsPodTemplateSpec(spec.template);
}

export function setDefaultsDeployment(d: Deployment): void {
  const spec = ((d as Mutable<Deployment>).spec ??= { selector: {}, template: {} });
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= DEFAULT_MAX_UNAVAILABLE;
    ru.maxSurge ??= DEFAULT_MAX_SURGE;
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  setDefaultsPodTemplateSpec(spec.template);
}

export function setDefaultsStatefulSet(sts: StatefulSet): void {
  const spec = ((sts as Mutable<StatefulSet>).spec ??= { selector: {}, serviceName: '', template: {} });
  spec.podManagementPolicy ||= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  setDefaultsPodTemplateSpec(spec.template);
}
