/**
 * coordination.k8s.io Leases (upstream's pkg/apis/coordination/validation): DNS-subdomain
 * names, a positive duration and a non-negative transition count.
 */
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { type FieldError, FieldPath, invalid } from '../../../apimachinery/validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.js';

export function validateLeaseSpec(
  spec: LeaseSpec | undefined,
  path: FieldPath = FieldPath.root('spec'),
): FieldError[] {
  const errs: FieldError[] = [];
  const duration = spec?.leaseDurationSeconds;
  if (duration !== undefined && duration <= 0)
    errs.push(invalid(path.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  const transitions = spec?.leaseTransitions;
  if (transitions !== undefined && transitions < 0) {
    errs.push(invalid(path.child('leaseTransitions'), transitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  return [
    ...validateObjectMeta(lease.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateLeaseSpec(lease.spec),
  ];
}

export function validateLeaseUpdate(lease: Lease, old: Lease): FieldError[] {
  return [...validateObjectMetaUpdate(lease.metadata, old.metadata), ...validateLeaseSpec(lease.spec)];
}
