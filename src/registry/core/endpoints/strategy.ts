/** Endpoints (upstream's pkg/registry/core/endpoint): no status, validation only. */
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import { setDefaultsEndpoints } from '../../../apis/core/v1/defaults-objects.js';
import { validateEndpoints, validateEndpointsUpdate } from '../../../apis/core/validation/endpoints.js';
import { endpointsTable } from '../../../printers/core.js';
import type { ResourceType, Strategy } from '../../resource.js';

export const endpointsStrategy: Strategy<Endpoints> = {
  defaults: setDefaultsEndpoints,
  validate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
  table: endpointsTable,
};

export const endpoints: ResourceType<Endpoints> = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.Endpoints',
  strategy: endpointsStrategy,
};
