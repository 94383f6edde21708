/** ServiceAccounts (upstream's pkg/registry/core/serviceaccount). */
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import {
  validateServiceAccount,
  validateServiceAccountUpdate,
} from '../../../apis/core/validation/config.js';
import { serviceAccountTable } from '../../../printers/core.js';
import type { ResourceType, Strategy } from '../../resource.js';

export const serviceAccountStrategy: Strategy<ServiceAccount> = {
  validate: validateServiceAccount,
  validateUpdate: validateServiceAccountUpdate,
  table: serviceAccountTable,
};

export const serviceAccounts: ResourceType<ServiceAccount> = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.ServiceAccount',
  strategy: serviceAccountStrategy,
};
