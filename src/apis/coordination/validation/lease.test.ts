import { describe, expect, it } from 'vitest';
import { validateLease, validateLeaseUpdate } from './lease.js';

describe('Lease', () => {
  const lease = {
    metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 },
  };
  it('accepts a lease', () => {
    expect(validateLease(lease)).toEqual([]);
  });
  it('checks duration and transitions', () => {
    expect(validateLease({ ...lease, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } })).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec.leaseDurationSeconds',
        value: 0,
        detail: 'must be greater than 0',
      },
      {
        type: 'FieldValueInvalid',
        field: 'spec.leaseTransitions',
        value: -1,
        detail: 'must be greater than or equal to 0',
      },
    ]);
  });
  it('keeps the name on update', () => {
    expect(
      validateLeaseUpdate({ ...lease, metadata: { ...lease.metadata, name: 'x' } }, lease).map(
        (e) => e.field,
      ),
    ).toEqual(['metadata.name']);
  });
});
