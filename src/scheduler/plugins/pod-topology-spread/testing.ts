/** Test fixtures: nodes, pods and NodeInfo literals (only `node` and `pods` matter to spreading). */
import type {
  Affinity,
  Node,
  Pod,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

import type { ClusterLister, Handle, NodeInfo, Resource } from '../../framework/interface.js';

export const makeNode = (name: string, labels: Record<string, string>, taints?: Taint[]): Node => ({
  metadata: { name, labels: { node: name, ...labels } },
  ...(taints ? { spec: { taints } } : {}),
});

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  constraints?: TopologySpreadConstraint[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  terminating?: boolean;
  owner?: Pick<OwnerReference, 'apiVersion' | 'kind' | 'name'>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  return {
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
      ...(o.owner ? { ownerReferences: [{ ...o.owner, uid: `${o.owner.name}-uid`, controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'pause' }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.constraints ? { topologySpreadConstraints: o.constraints } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    },
  };
}

const noResources = (): Resource => ({
  milliCPU: 0,
  memory: 0,
  ephemeralStorage: 0,
  allowedPodNumber: 0,
  scalar: {},
});

/** NodeInfos for `nodes`, each holding the pods whose spec.nodeName names it. */
export function makeNodeInfos(nodes: readonly Node[], pods: readonly Pod[] = []): NodeInfo[] {
  return nodes.map((node) => ({
    node,
    pods: pods.filter((p) => p.spec?.nodeName === node.metadata?.name).map((pod) => ({ pod })),
    requested: noResources(),
    nonZeroRequested: noResources(),
    allocatable: noResources(),
    usedPorts: new Set<string>(),
    imageSizes: new Map<string, number>(),
  }));
}

export const emptyLister: ClusterLister = {
  services: () => [],
  namespaces: () => [],
  controllerSelector: () => undefined,
};

export function makeHandle(infos: readonly NodeInfo[], lister: ClusterLister = emptyLister): Handle {
  return {
    snapshot: () => ({
      nodeInfos: () => [...infos],
      get: (name) => infos.find((i) => i.node.metadata?.name === name),
    }),
    lister,
  };
}

/** A DoNotSchedule (or given action) constraint selecting `foo=bar`, as in the documentation examples. */
export const fooBar = (
  topologyKey: string,
  maxSkew = 1,
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { foo: 'bar' } },
  ...extra,
});
