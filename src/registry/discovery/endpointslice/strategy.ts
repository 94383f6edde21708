/**
 * discovery.k8s.io/v1 EndpointSlices (upstream's pkg/registry/discovery/endpointslice): no
 * status; `metadata.generation` starts at 1 and goes up with every change of the content.
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { setDefaultsEndpointSlice } from '../../../apis/discovery/v1/defaults.js';
import {
  validateEndpointSlice,
  validateEndpointSliceUpdate,
} from '../../../apis/discovery/validation/endpointslice.js';
import { endpointSliceTable } from '../../../printers/discovery.js';
import type { MutableObjectMeta, ResourceType, Strategy } from '../../resource.js';

export const endpointSliceStrategy: Strategy<EndpointSlice> = {
  defaults: setDefaultsEndpointSlice,
  prepareForCreate(slice) {
    // The generic registry only numbers generations of objects with a `spec`.
    (slice.metadata as MutableObjectMeta).generation = 1;
  },
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  table: endpointSliceTable,
};

export const endpointSlices: ResourceType<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.discovery.v1.EndpointSlice',
  strategy: endpointSliceStrategy,
};
