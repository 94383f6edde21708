/** apps/v1 ReplicaSets (upstream's ValidateReplicaSet, …Update, …StatusUpdate). */
import type { ReplicaSet, ReplicaSetSpec, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { type FieldError, FieldPath, invalid } from '../../../apimachinery/validation/field.js';
import {
  nameIsDNSSubdomain,
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.js';
import { validateWorkloadSelector } from './common.js';
import { validateWorkloadPodTemplate } from './pod-template.js';

const spec = FieldPath.root('spec');
const metaOptions = { namespaced: true, nameFn: nameIsDNSSubdomain };

export function validateReplicaSetSpec(s: ReplicaSetSpec | undefined, path = spec): FieldError[] {
  const errs = [
    ...validateNonnegativeField(s?.replicas, path.child('replicas')),
    ...validateNonnegativeField(s?.minReadySeconds, path.child('minReadySeconds')),
  ];
  const sel = validateWorkloadSelector(
    s?.selector,
    'empty selector is invalid for deployment.',
    path.child('selector'),
  );
  errs.push(...sel.errors);
  if (sel.selector) {
    errs.push(
      ...validateWorkloadPodTemplate(s?.template, sel.selector, 'ReplicaSet', path.child('template')),
    );
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [...validateObjectMeta(rs.metadata, metaOptions), ...validateReplicaSetSpec(rs.spec)];
}

/** apps/v1: the selector may not change. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs.spec),
    ...validateImmutableField(rs.spec?.selector, old.spec?.selector, spec.child('selector')),
  ];
}

/** The counters of a workload status: none negative, and none above `replicas`. */
export function validateReplicaCounts(
  st: ReplicaSetStatus | undefined,
  path: FieldPath = FieldPath.root('status'),
): FieldError[] {
  const errs: FieldError[] = [];
  const replicas = st?.replicas ?? 0;
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) {
    errs.push(...validateNonnegativeField(st?.[f], path.child(f)));
  }
  errs.push(...validateNonnegativeField(st?.observedGeneration, path.child('observedGeneration')));
  const atMost = (f: 'fullyLabeledReplicas' | 'readyReplicas', than: number, name: string) => {
    if ((st?.[f] ?? 0) > than) errs.push(invalid(path.child(f), st?.[f], `cannot be greater than ${name}`));
  };
  atMost('fullyLabeledReplicas', replicas, 'status.replicas');
  atMost('readyReplicas', replicas, 'status.replicas');
  if ((st?.availableReplicas ?? 0) > replicas) {
    errs.push(
      invalid(
        path.child('availableReplicas'),
        st?.availableReplicas,
        'cannot be greater than status.replicas',
      ),
    );
  }
  if ((st?.availableReplicas ?? 0) > (st?.readyReplicas ?? 0)) {
    errs.push(
      invalid(path.child('availableReplicas'), st?.availableReplicas, 'cannot be greater than readyReplicas'),
    );
  }
  return errs;
}

export function validateReplicaSetStatusUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaCounts(rs.status)];
}
