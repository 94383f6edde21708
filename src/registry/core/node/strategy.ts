/**
 * Nodes (upstream's pkg/registry/core/node): cluster-scoped; status is written by the kubelet
 * through nodes/status (and kept on spec updates); `spec.unschedulable` is selectable.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { setDefaultsNode } from '../../../apis/core/v1/defaults-objects.js';
import { validateNode, validateNodeUpdate } from '../../../apis/core/validation/node.js';
import { nodeTable } from '../../../printers/node.js';
import type { ResourceType, Strategy } from '../../resource.js';
import { keepField } from '../../keep.js';

export const nodeStrategy: Strategy<Node> = {
  defaults: setDefaultsNode,
  prepareForUpdate(node, old) {
    keepField(node, old, 'status');
  },
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  prepareForStatusUpdate(node, old) {
    keepField(node, old, 'spec');
  },
  validateStatusUpdate: validateNodeUpdate,
  table: nodeTable,
  selectableFields: (node) => ({ 'spec.unschedulable': String(node.spec?.unschedulable ?? false) }),
};

export const nodes: ResourceType<Node> = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  categories: [],
  subresources: ['status'],
  definition: 'io.k8s.api.core.v1.Node',
  strategy: nodeStrategy,
};
