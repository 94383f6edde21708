/**
 * apps/v1 ReplicaSets (upstream's pkg/registry/apps/replicaset): status starts empty and is
 * written only through the status subresource.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { setDefaultsReplicaSet } from '../../../apis/apps/v1/defaults.js';
import {
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
} from '../../../apis/apps/validation/replicaset.js';
import { replicaSetTable } from '../../../printers/apps.js';
import { keepField } from '../../keep.js';
import type { Mutable, ResourceType, Strategy } from '../../resource.js';

export const replicaSetStrategy: Strategy<ReplicaSet> = {
  defaults: setDefaultsReplicaSet,
  prepareForCreate(rs) {
    (rs as Mutable<ReplicaSet>).status = { replicas: 0 };
  },
  prepareForUpdate(rs, old) {
    keepField(rs as Mutable<ReplicaSet>, old, 'status');
  },
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  prepareForStatusUpdate(rs, old) {
    keepField(rs as Mutable<ReplicaSet>, old, 'spec');
  },
  validateStatusUpdate: validateReplicaSetStatusUpdate,
  table: replicaSetTable,
};

export const replicaSets: ResourceType<ReplicaSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  definition: 'io.k8s.api.apps.v1.ReplicaSet',
  strategy: replicaSetStrategy,
};
