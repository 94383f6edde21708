/**
 * apps/v1 StatefulSets (upstream's pkg/registry/apps/statefulset): status starts empty and is
 * written only through the status subresource.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { setDefaultsStatefulSet } from '../../../apis/apps/v1/defaults.js';
import {
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from '../../../apis/apps/validation/statefulset.js';
import { statefulSetTable } from '../../../printers/apps.js';
import { keepField } from '../../keep.js';
import type { Mutable, ResourceType, Strategy } from '../../resource.js';

export const statefulSetStrategy: Strategy<StatefulSet> = {
  defaults: setDefaultsStatefulSet,
  prepareForCreate(sts) {
    (sts as Mutable<StatefulSet>).status = { replicas: 0 };
  },
  prepareForUpdate(sts, old) {
    keepField(sts as Mutable<StatefulSet>, old, 'status');
  },
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  prepareForStatusUpdate(sts, old) {
    keepField(sts as Mutable<StatefulSet>, old, 'spec');
  },
  validateStatusUpdate: validateStatefulSetStatusUpdate,
  table: statefulSetTable,
};

export const statefulSets: ResourceType<StatefulSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  definition: 'io.k8s.api.apps.v1.StatefulSet',
  strategy: statefulSetStrategy,
};
