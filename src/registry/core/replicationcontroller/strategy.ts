/**
 * core/v1 ReplicationControllers (upstream's pkg/registry/core/replicationcontroller): status
 * starts empty and is written only through the status subresource.
 */
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import { replicationControllerTable } from '../../../printers/apps.js';
import { keepField } from '../../keep.js';
import type { Mutable, ResourceType, Strategy } from '../../resource.js';
import {
  setDefaultsReplicationController,
  validateReplicationController,
  validateReplicationControllerStatusUpdate,
  validateReplicationControllerUpdate,
} from './validation.js';

export const replicationControllerStrategy: Strategy<ReplicationController> = {
  defaults: setDefaultsReplicationController,
  prepareForCreate(rc) {
    (rc as Mutable<ReplicationController>).status = { replicas: 0 };
  },
  prepareForUpdate(rc, old) {
    keepField(rc as Mutable<ReplicationController>, old, 'status');
  },
  validate: validateReplicationController,
  validateUpdate: validateReplicationControllerUpdate,
  prepareForStatusUpdate(rc, old) {
    keepField(rc as Mutable<ReplicationController>, old, 'spec');
  },
  validateStatusUpdate: validateReplicationControllerStatusUpdate,
  table: replicationControllerTable,
};

export const replicationControllers: ResourceType<ReplicationController> = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  definition: 'io.k8s.api.core.v1.ReplicationController',
  strategy: replicationControllerStrategy,
};
