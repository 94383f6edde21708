/**
 * Pod templates of replicated workloads (upstream's ValidatePodTemplateSpec and the
 * ValidatePodTemplateSpecFor{ReplicaSet,StatefulSet,RC} wrappers): the template's labels must be
 * selected by the workload's selector, its pod spec valid, restartPolicy Always, and no
 * activeDeadlineSeconds or ephemeral containers.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../../../apimachinery/labels/index.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { validatePodSpecificAnnotations } from '../../core/validation/pod-annotations.js';
import { validatePodSpec } from '../../core/validation/pod.js';
import { validateAnnotations, validateLabels } from '../../meta/validation.js';

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/** ValidatePodTemplateSpec: template metadata and the pod spec it holds. */
export function validatePodTemplateSpec(template: PodTemplateSpec, path: FieldPath): FieldError[] {
  const meta = template.metadata ?? {};
  const spec = template.spec ?? { containers: [] };
  const errs = [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validatePodSpecificAnnotations(meta.annotations, spec, path.child('annotations')),
    ...validatePodSpec(spec, meta, path.child('spec')),
  ];
  if (spec.ephemeralContainers?.length) {
    errs.push(
      forbidden(
        path.child('spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  }
  return errs;
}

/**
 * A workload's template: selected by `selector` (skipped when it is empty: the caller reports
 * that), valid, restarting always and without a deadline. `owner` names the kind in messages.
 */
export function validateWorkloadPodTemplate(
  template: PodTemplateSpec | undefined,
  selector: Selector | undefined,
  owner: string,
  path: FieldPath,
): FieldError[] {
  if (!template) return [required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels ?? {};
  if (selector && !selector.empty() && !selector.matches(labels)) {
    errs.push(invalid(path.child('metadata', 'labels'), labels, SELECTOR_MISMATCH));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const policy = template.spec?.restartPolicy;
  if (policy !== 'Always')
    errs.push(notSupported(path.child('spec', 'restartPolicy'), policy ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        path.child('spec', 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${owner} is not Supported`,
      ),
    );
  }
  return errs;
}
