/**
 * apps/v1 Deployments (upstream's pkg/registry/apps/deployment): status starts empty and is
 * written through the status subresource (which may not change spec or labels); a change of
 * spec or annotations bumps the generation, since annotations are copied to ReplicaSets.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { setDefaultsDeployment } from '../../../apis/apps/v1/defaults.js';
import {
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
} from '../../../apis/apps/validation/deployment.js';
import { semanticEqual } from '../../../apis/meta/equality.js';
import { deploymentTable } from '../../../printers/apps.js';
import { keepField } from '../../keep.js';
import type { Mutable, MutableObjectMeta, ResourceType, Strategy } from '../../resource.js';

export const deploymentStrategy: Strategy<Deployment> = {
  defaults: setDefaultsDeployment,
  prepareForCreate(d) {
    (d as Mutable<Deployment>).status = {};
  },
  prepareForUpdate(d, old) {
    keepField(d as Mutable<Deployment>, old, 'status');
    const meta: MutableObjectMeta = ((d as Mutable<Deployment>).metadata ??= {});
    const oldGeneration = old.metadata?.generation;
    if (oldGeneration && !semanticEqual(meta.annotations ?? {}, old.metadata?.annotations ?? {})) {
      meta.generation = oldGeneration + 1;
    }
  },
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  prepareForStatusUpdate(d, old) {
    keepField(d as Mutable<Deployment>, old, 'spec');
    keepField((d.metadata ??= {}), old.metadata ?? {}, 'labels');
  },
  validateStatusUpdate: validateDeploymentStatusUpdate,
  table: deploymentTable,
};

export const deployments: ResourceType<Deployment> = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  definition: 'io.k8s.api.apps.v1.Deployment',
  strategy: deploymentStrategy,
};
