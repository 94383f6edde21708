/**
 * core/v1 ReplicationControllers: defaulting (upstream's SetDefaults_ReplicationController) and
 * validation (ValidateReplicationController…). The selector is a plain label map that defaults
 * to the template's labels, and, unlike apps/v1, it may change.
 */
import type { ReplicationController, ReplicationControllerSpec } from 'kubernetes-types/core/v1.js';
import { selectorFromSet } from '../../../apimachinery/labels/index.js';
import { type FieldError, FieldPath, required } from '../../../apimachinery/validation/field.js';
import { setDefaultsPodTemplateSpec } from '../../../apis/apps/v1/defaults.js';
import { validateWorkloadPodTemplate } from '../../../apis/apps/validation/pod-template.js';
import { validateReplicaCounts } from '../../../apis/apps/validation/replicaset.js';
import {
  nameIsDNSSubdomain,
  validateLabels,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../../apis/meta/validation.js';
import type { Mutable } from '../../resource.js';

export function setDefaultsReplicationController(rc: ReplicationController): void {
  const obj = rc as Mutable<ReplicationController>;
  const spec = (obj.spec ??= {});
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels) {
    if (!Object.keys(spec.selector ?? {}).length) spec.selector = { ...templateLabels };
    const meta = (obj.metadata ??= {});
    if (!Object.keys(meta.labels ?? {}).length) meta.labels = { ...templateLabels };
  }
  spec.replicas ??= 1;
  setDefaultsPodTemplateSpec(spec.template);
}

export function validateReplicationControllerSpec(
  s: ReplicationControllerSpec | undefined,
  path = FieldPath.root('spec'),
): FieldError[] {
  const errs = [
    ...validateNonnegativeField(s?.minReadySeconds, path.child('minReadySeconds')),
    ...validateNonnegativeField(s?.replicas, path.child('replicas')),
  ];
  const selector = s?.selector ?? {};
  if (!Object.keys(selector).length) errs.push(required(path.child('selector'), ''));
  else errs.push(...validateLabels(selector, path.child('selector')));
  const parsed = Object.keys(selector).length ? selectorFromSet(selector) : undefined;
  errs.push(
    ...validateWorkloadPodTemplate(s?.template, parsed, 'ReplicationController', path.child('template')),
  );
  return errs;
}

const metaOptions = { namespaced: true, nameFn: nameIsDNSSubdomain };

export const validateReplicationController = (rc: ReplicationController): FieldError[] => [
  ...validateObjectMeta(rc.metadata, metaOptions),
  ...validateReplicationControllerSpec(rc.spec),
];

export const validateReplicationControllerUpdate = (
  rc: ReplicationController,
  old: ReplicationController,
): FieldError[] => [
  ...validateObjectMetaUpdate(rc.metadata, old.metadata),
  ...validateReplicationControllerSpec(rc.spec),
];

export const validateReplicationControllerStatusUpdate = (
  rc: ReplicationController,
  old: ReplicationController,
): FieldError[] => [
  ...validateObjectMetaUpdate(rc.metadata, old.metadata),
  ...validateReplicaCounts(rc.status),
];
