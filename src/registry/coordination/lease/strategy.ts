/** coordination.k8s.io/v1 Leases (upstream's pkg/registry/coordination/lease). */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { validateLease, validateLeaseUpdate } from '../../../apis/coordination/validation/lease.js';
import { leaseTable } from '../../../printers/coordination.js';
import type { ResourceType, Strategy } from '../../resource.js';

export const leaseStrategy: Strategy<Lease> = {
  validate: validateLease,
  validateUpdate: validateLeaseUpdate,
  table: leaseTable,
};

export const leases: ResourceType<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.coordination.v1.Lease',
  strategy: leaseStrategy,
};
