/**
 * Namespaces: DNS-label names, finalizer names, and the phase a status update may write.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { type FieldError, FieldPath, invalid } from '../../../apimachinery/validation/field.js';
import {
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../meta/validation.js';
import { validateNamespaceName, validateQualifiedName } from './common.js';

const validateFinalizerName = (name: string, path: FieldPath): FieldError[] => [
  ...validateQualifiedName(name, path),
  ...validateKubeFinalizerName(name, path),
];

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameFn: validateNamespaceName });
  const path = FieldPath.root('spec').child('finalizers');
  for (const f of ns.spec?.finalizers ?? []) errs.push(...validateFinalizerName(f, path));
  return errs;
}

export function validateNamespaceUpdate(next: Namespace, old: Namespace): FieldError[] {
  return validateObjectMetaUpdate(next.metadata, old.metadata);
}

export function validateNamespaceStatusUpdate(next: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  const phase = next.status?.phase ?? '';
  const path = FieldPath.root('status').child('Phase');
  if (!next.metadata?.deletionTimestamp) {
    if (phase !== 'Active')
      errs.push(invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid(path, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** The namespaces/finalize subresource: only `spec.finalizers` changes, and must stay valid. */
export function validateNamespaceFinalizeUpdate(next: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  const path = FieldPath.root('spec').child('finalizers');
  (next.spec?.finalizers ?? []).forEach((f, i) => errs.push(...validateFinalizerName(f, path.index(i))));
  return errs;
}
