/**
 * Annotations with meaning on pods: the mirror-pod marker, the deletion cost, and the legacy
 * seccomp and AppArmor annotations (checked for format, and on update for immutability).
 */
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
} from '../../../apimachinery/validation/field.js';
import { validateLocalDescendingPath } from './common.js';

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function validateSeccompProfileAnnotation(value: string, path: FieldPath): FieldError[] {
  if (value === 'runtime/default' || value === 'docker/default' || value === 'unconfined') return [];
  if (value.startsWith('localhost/'))
    return validateLocalDescendingPath(value.slice('localhost/'.length), path);
  return [invalid(path, value, 'must be a valid seccomp profile')];
}

const hasContainer = (spec: PodSpec, name: string): boolean =>
  [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].some(
    (c) => c.name === name,
  );

export function validatePodSpecificAnnotations(
  annotations: Record<string, string> | undefined,
  spec: PodSpec,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (MIRROR_POD_ANNOTATION in a && !spec.nodeName) {
    errs.push(
      invalid(
        path.key(MIRROR_POD_ANNOTATION),
        a[MIRROR_POD_ANNOTATION],
        'must set spec.nodeName if mirror pod annotation is set',
      ),
    );
  }
  const cost = a[POD_DELETION_COST_ANNOTATION];
  if (cost !== undefined) {
    const n = Number(cost);
    if (!/^[+-]?\d+$/.test(cost.trim()) || n < -(2 ** 31) || n > 2 ** 31 - 1) {
      errs.push(invalid(path.key(POD_DELETION_COST_ANNOTATION), cost, 'must be a 32bit integer'));
    }
  }
  if (a[SECCOMP_POD] !== undefined)
    errs.push(...validateSeccompProfileAnnotation(a[SECCOMP_POD], path.child(SECCOMP_POD)));
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith(SECCOMP_CONTAINER_PREFIX))
      errs.push(...validateSeccompProfileAnnotation(v, path.child(k)));
    if (!k.startsWith(APPARMOR_PREFIX)) continue;
    const container = k.slice(APPARMOR_PREFIX.length);
    if (!hasContainer(spec, container)) errs.push(invalid(path.key(k), container, 'container not found'));
    if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
      errs.push(invalid(path.key(k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
    }
  }
  return errs;
}

/** On update: AppArmor annotations and the mirror-pod marker may not be added, changed or removed. */
export function validatePodSpecificAnnotationUpdates(next: Pod, old: Pod, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const n = next.metadata?.annotations ?? {};
  const o = old.metadata?.annotations ?? {};
  for (const [k, ov] of Object.entries(o)) {
    if (k in n && n[k] === ov) continue;
    if (k.startsWith(APPARMOR_PREFIX))
      errs.push(forbidden(path.key(k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION)
      errs.push(forbidden(path.key(k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(n)) {
    if (k in o) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(path.key(k), 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(path.key(k), 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(n, next.spec ?? { containers: [] }, path));
  return errs;
}
