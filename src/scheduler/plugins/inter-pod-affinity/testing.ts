/** Test fixtures: nodes, pods with (anti-)affinity, NodeInfo literals and a handle. */
import type { Node, Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';

import {
  type Handle,
  type NodeInfo,
  type Resource,
  labelHostname,
  labelZone,
} from '../../framework/interface.js';
import type { NamespaceLister } from './affinity-term.js';

/** A node with hostname and (when given) zone labels; `bare` for a node without any label. */
export const makeNode = (name: string, zone?: string): Node => ({
  metadata: { name, labels: { [labelHostname]: name, ...(zone ? { [labelZone]: zone } : {}) } },
});

export const bareNode = (name: string): Node => ({ metadata: { name } });

/** A term on `topologyKey` selecting `matchLabels` (namespaces etc. in `extra`). */
export const term = (
  topologyKey: string,
  matchLabels: Record<string, string> | null,
  extra: Partial<PodAffinityTerm> = {},
): PodAffinityTerm => ({
  topologyKey,
  ...(matchLabels ? { labelSelector: { matchLabels } } : {}),
  ...extra,
});

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  affinity?: PodAffinityTerm[];
  antiAffinity?: PodAffinityTerm[];
  preferredAffinity?: [number, PodAffinityTerm][];
  preferredAntiAffinity?: [number, PodAffinityTerm][];
}

const weighted = (terms: [number, PodAffinityTerm][] | undefined) =>
  terms?.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm }));

export function makePod(name: string, o: PodOptions = {}): Pod {
  const podAffinity =
    o.affinity || o.preferredAffinity
      ? {
          requiredDuringSchedulingIgnoredDuringExecution: o.affinity,
          preferredDuringSchedulingIgnoredDuringExecution: weighted(o.preferredAffinity),
        }
      : undefined;
  const podAntiAffinity =
    o.antiAffinity || o.preferredAntiAffinity
      ? {
          requiredDuringSchedulingIgnoredDuringExecution: o.antiAffinity,
          preferredDuringSchedulingIgnoredDuringExecution: weighted(o.preferredAntiAffinity),
        }
      : undefined;
  return {
    metadata: { name, namespace: o.namespace ?? 'default', ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'pause' }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(podAffinity || podAntiAffinity ? { affinity: { podAffinity, podAntiAffinity } } : {}),
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

/** A handle over `infos`; with `namespaces` (name → labels), its lister also lists namespaces. */
export function makeHandle(
  infos: readonly NodeInfo[],
  namespaces?: Record<string, Record<string, string>>,
): Handle {
  const base = { services: () => [], controllerSelector: () => undefined };
  const nsLister: NamespaceLister = {
    namespaces: () =>
      Object.entries(namespaces ?? {}).map(([name, labels]) => ({ metadata: { name, labels } })),
  };
  return {
    snapshot: () => ({
      nodeInfos: () => [...infos],
      get: (name) => infos.find((i) => i.node.metadata?.name === name),
    }),
    lister: { ...base, ...nsLister },
  };
}
