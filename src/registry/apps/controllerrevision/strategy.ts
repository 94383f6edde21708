/**
 * apps/v1 ControllerRevisions (upstream's pkg/registry/apps/controllerrevision): immutable
 * snapshots of a controller's template, written by the StatefulSet controller and read by
 * `kubectl rollout history/undo`. No status, no subresources; `data` cannot change.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
} from '../../../apis/apps/validation/controllerrevision.js';
import type { ResourceType, Strategy } from '../../resource.js';
import { controllerRevisionTable } from './table.js';

export const controllerRevisionStrategy: Strategy<ControllerRevision> = {
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
  table: controllerRevisionTable,
};

export const controllerRevisions: ResourceType<ControllerRevision> = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.apps.v1.ControllerRevision',
  strategy: controllerRevisionStrategy,
};
