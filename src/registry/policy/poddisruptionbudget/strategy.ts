/**
 * policy/v1 PodDisruptionBudgets (upstream's pkg/registry/policy/poddisruptionbudget): status
 * starts at zero and is written only through the status subresource.
 */
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import {
  validatePodDisruptionBudget,
  validatePodDisruptionBudgetStatusUpdate,
  validatePodDisruptionBudgetUpdate,
} from '../../../apis/policy/validation/pdb.js';
import { podDisruptionBudgetTable } from '../../../printers/policy.js';
import type { ResourceType, Strategy } from '../../resource.js';
import { keepField } from '../../keep.js';

export const podDisruptionBudgetStrategy: Strategy<PodDisruptionBudget> = {
  prepareForCreate(pdb) {
    pdb.status = { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
  },
  prepareForUpdate(pdb, old) {
    keepField(pdb, old, 'status');
  },
  validate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudgetUpdate,
  prepareForStatusUpdate(pdb, old) {
    keepField(pdb, old, 'spec');
  },
  validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
  table: podDisruptionBudgetTable,
};

export const podDisruptionBudgets: ResourceType<PodDisruptionBudget> = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  categories: [],
  subresources: ['status'],
  definition: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  strategy: podDisruptionBudgetStrategy,
};
