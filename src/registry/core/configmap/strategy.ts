/** ConfigMaps (upstream's pkg/registry/core/configmap). */
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { validateConfigMap, validateConfigMapUpdate } from '../../../apis/core/validation/config.js';
import { configMapTable } from '../../../printers/core.js';
import type { ResourceType, Strategy } from '../../resource.js';

export const configMapStrategy: Strategy<ConfigMap> = {
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  table: configMapTable,
};

export const configMaps: ResourceType<ConfigMap> = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.ConfigMap',
  strategy: configMapStrategy,
};
