/** A few served resources for the OpenAPI tests (the real registry lives in `src/registry/`). */
import type { ResourceType } from '../../registry/resource.js';

function resource(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  subresources: string[],
  definition: string,
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    namespaced,
    categories: [],
    subresources,
    definition,
    strategy: {},
  };
}

export const testResources = (): ResourceType[] => [
  resource(
    '',
    'v1',
    'Pod',
    'pods',
    true,
    ['status', 'binding', 'eviction', 'log', 'exec'],
    'io.k8s.api.core.v1.Pod',
  ),
  resource('', 'v1', 'Node', 'nodes', false, ['status'], 'io.k8s.api.core.v1.Node'),
  resource('', 'v1', 'Namespace', 'namespaces', false, ['status'], 'io.k8s.api.core.v1.Namespace'),
  resource(
    'policy',
    'v1',
    'PodDisruptionBudget',
    'poddisruptionbudgets',
    true,
    ['status'],
    'io.k8s.api.policy.v1.PodDisruptionBudget',
  ),
  resource('coordination.k8s.io', 'v1', 'Lease', 'leases', true, [], 'io.k8s.api.coordination.v1.Lease'),
];
