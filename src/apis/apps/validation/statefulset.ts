/**
 * apps/v1 StatefulSets (upstream's ValidateStatefulSet, …Update, …StatusUpdate): pod management
 * and update strategies, and on update only replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy, minReadySeconds and revisionHistoryLimit may change.
 */
import type { StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy } from 'kubernetes-types/apps/v1.js';
import { deepCopy, semanticEqual } from '../../meta/equality.js';
import {
  type FieldError,
  FieldPath,
  forbidden,
  invalid,
  required,
} from '../../../apimachinery/validation/field.js';
import {
  nameIsDNSSubdomain,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.js';
import { validateWorkloadSelector } from './common.js';
import { validateWorkloadPodTemplate } from './pod-template.js';

const spec = FieldPath.root('spec');
const metaOptions = { namespaced: true, nameFn: nameIsDNSSubdomain };

function validateUpdateStrategy(s: StatefulSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (s?.type) {
    case undefined:
    case '':
      errs.push(required(path, ''));
      break;
    case 'OnDelete':
      if (s.rollingUpdate) {
        errs.push(
          invalid(
            path.child('rollingUpdate'),
            s.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case 'RollingUpdate':
      errs.push(
        ...validateNonnegativeField(s.rollingUpdate?.partition, path.child('rollingUpdate', 'partition')),
      );
      break;
    default:
      errs.push(invalid(path, s, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  return errs;
}

export function validateStatefulSetSpec(s: StatefulSetSpec | undefined, path = spec): FieldError[] {
  const errs: FieldError[] = [];
  const policy = s?.podManagementPolicy;
  if (!policy) errs.push(required(path.child('podManagementPolicy'), ''));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(invalid(path.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(s?.updateStrategy, path.child('updateStrategy')));
  errs.push(...validateNonnegativeField(s?.replicas, path.child('replicas')));
  errs.push(...validateNonnegativeField(s?.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateNonnegativeField(s?.ordinals?.start, path.child('ordinals', 'start')));
  const sel = validateWorkloadSelector(
    s?.selector,
    'empty selector is invalid for statefulset',
    path.child('selector'),
  );
  errs.push(...sel.errors);
  if (sel.selector) {
    errs.push(
      ...validateWorkloadPodTemplate(s?.template, sel.selector, 'StatefulSet', path.child('template')),
    );
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  return [...validateObjectMeta(sts.metadata, metaOptions), ...validateStatefulSetSpec(sts.spec)];
}

const UPDATABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
  'revisionHistoryLimit',
] as const;

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = [
    ...validateObjectMetaUpdate(sts.metadata, old.metadata),
    ...validateStatefulSetSpec(sts.spec),
  ];
  const a: Record<string, unknown> = deepCopy({ ...(sts.spec ?? {}) });
  const b: Record<string, unknown> = deepCopy({ ...(old.spec ?? {}) });
  for (const f of UPDATABLE) {
    delete a[f];
    delete b[f];
  }
  if (!semanticEqual(a, b)) {
    errs.push(
      forbidden(
        spec,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export function validateStatefulSetStatusUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const path = FieldPath.root('status');
  const st = sts.status;
  const errs = validateObjectMetaUpdate(sts.metadata, old.metadata);
  for (const f of [
    'replicas',
    'readyReplicas',
    'currentReplicas',
    'updatedReplicas',
    'availableReplicas',
    'observedGeneration',
    'collisionCount',
  ] as const) {
    errs.push(...validateNonnegativeField(st?.[f], path.child(f)));
  }
  if ((st?.collisionCount ?? 0) < (old.status?.collisionCount ?? 0)) {
    errs.push(invalid(path.child('collisionCount'), st?.collisionCount, 'cannot be decremented'));
  }
  return errs;
}
