/** Secrets (upstream's pkg/registry/core/secret): `type` defaults to Opaque and is selectable. */
import type { Secret } from 'kubernetes-types/core/v1.js';
import { setDefaultsSecret } from '../../../apis/core/v1/defaults-objects.js';
import { validateSecret, validateSecretUpdate } from '../../../apis/core/validation/config.js';
import { secretTable } from '../../../printers/core.js';
import type { ResourceType, Strategy } from '../../resource.js';

export const secretStrategy: Strategy<Secret> = {
  defaults: setDefaultsSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  table: secretTable,
  selectableFields: (s) => ({ type: s.type ?? '' }),
};

export const secrets: ResourceType<Secret> = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.Secret',
  strategy: secretStrategy,
};
