/**
 * Pod (anti-)affinity terms, parsed as upstream's framework.AffinityTerm: a label selector, the
 * namespaces it looks in, and a topology key. A term matches a pod when the pod is in one of
 * the term's namespaces (or its namespace's labels match the namespaceSelector) and the
 * selector matches the pod's labels.
 *
 *   namespaces empty + namespaceSelector null → the term owner's own namespace
 *   namespaceSelector {}                      → every namespace
 *   matchLabelKeys / mismatchLabelKeys        → `key in (v)` / `key notin (v)` with v from the
 *                                               owner's labels, ANDed into a non-null selector
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';

import {
  type Labels,
  Requirement,
  type Selector,
  nothingSelector,
  selectorFromLabelSelector,
} from '../../../apimachinery/labels/index.js';
import type { ClusterLister, NodeInfo } from '../../framework/interface.js';

export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  selector: Selector;
  topologyKey: string;
  namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A pod's (anti-)affinity terms, parsed. */
export interface PodAffinityInfo {
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

/**
 * Namespaces with their labels, for namespaceSelector. Not part of ClusterLister yet: used when
 * the handle's lister offers it; without it a namespaceSelector selects no namespace.
 */
export interface NamespaceLister {
  namespaces(): { metadata?: { name?: string; labels?: Record<string, string> } }[];
}

export function namespaceListerOf(lister: ClusterLister): NamespaceLister {
  return lister;
}

/** The labels of a namespace; undefined when it is not known (matched as an empty set). */
export function namespaceLabels(lister: NamespaceLister | undefined, name: string): Labels | undefined {
  return lister?.namespaces().find((ns) => ns.metadata?.name === name)?.metadata?.labels;
}

export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Labels | undefined): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (!t.namespaces.has(ns) && !t.namespaceSelector.matches(nsLabels)) return false;
  return t.selector.matches(pod.metadata?.labels);
}

/** Whether the pod matches every term (false for no terms). The terms' namespaces must be merged. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  return terms.length > 0 && terms.every((t) => termMatches(t, pod, undefined));
}

/** Throws a BadRequest error when a selector does not parse. */
function newAffinityTerm(owner: Pod, term: PodAffinityTerm): AffinityTerm {
  const ownerLabels = owner.metadata?.labels ?? {};
  let selector = selectorFromLabelSelector(term.labelSelector);
  if (term.labelSelector) {
    for (const [keys, op] of [
      [term.matchLabelKeys, 'in'],
      [term.mismatchLabelKeys, 'notin'],
    ] as const) {
      for (const key of keys ?? []) {
        const value = ownerLabels[key];
        if (value !== undefined) selector = selector.add(new Requirement(key, op, [value]));
      }
    }
  }
  const ownNamespace =
    !term.namespaces?.length && (term.namespaceSelector === undefined || term.namespaceSelector === null);
  return {
    namespaces: new Set(ownNamespace ? [owner.metadata?.namespace ?? ''] : (term.namespaces ?? [])),
    selector,
    topologyKey: term.topologyKey,
    namespaceSelector: selectorFromLabelSelector(term.namespaceSelector),
  };
}

const weighted = (
  owner: Pod,
  terms: readonly WeightedPodAffinityTerm[] | undefined,
): WeightedAffinityTerm[] =>
  (terms ?? []).map((t) => ({ ...newAffinityTerm(owner, t.podAffinityTerm), weight: t.weight }));

/** The pod's terms; throws when one does not parse. */
export function podAffinityInfo(pod: Pod): PodAffinityInfo {
  const affinity = pod.spec?.affinity;
  const a = affinity?.podAffinity;
  const anti = affinity?.podAntiAffinity;
  return {
    requiredAffinityTerms: (a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      newAffinityTerm(pod, t),
    ),
    requiredAntiAffinityTerms: (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      newAffinityTerm(pod, t),
    ),
    preferredAffinityTerms: weighted(pod, a?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weighted(pod, anti?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

const noTerms: PodAffinityInfo = {
  requiredAffinityTerms: [],
  requiredAntiAffinityTerms: [],
  preferredAffinityTerms: [],
  preferredAntiAffinityTerms: [],
};

const cache = new WeakMap<Pod, PodAffinityInfo>();

/** An existing pod's terms, parsed once per pod object; none when they do not parse (the API validated them). */
export function existingPodAffinityInfo(pod: Pod): PodAffinityInfo {
  let info = cache.get(pod);
  if (!info) {
    try {
      info =
        pod.spec?.affinity?.podAffinity || pod.spec?.affinity?.podAntiAffinity
          ? podAffinityInfo(pod)
          : noTerms;
    } catch {
      info = noTerms;
    }
    cache.set(pod, info);
  }
  return info;
}

/**
 * For the incoming pod's terms: the namespaces its namespaceSelector selects, unrolled into
 * `namespaces` (the selector becoming nothing), so existing pods need no namespace lookup. An
 * empty selector (every namespace) is kept as is.
 */
export function mergeNamespaces<T extends AffinityTerm>(t: T, lister: NamespaceLister | undefined): T {
  if (t.namespaceSelector.empty()) return t;
  const names = new Set(t.namespaces);
  for (const ns of lister?.namespaces() ?? []) {
    const name = ns.metadata?.name;
    if (name !== undefined && t.namespaceSelector.matches(ns.metadata?.labels)) names.add(name);
  }
  return { ...t, namespaces: names, namespaceSelector: nothingSelector() };
}

/** A node's existing pods that carry terms (upstream's NodeInfo.PodsWithAffinity and PodsWithRequiredAntiAffinity). */
export interface PodsWithTerms {
  /** Pods with any pod affinity or anti-affinity, with their parsed terms. */
  withAffinity: { pod: Pod; info: PodAffinityInfo }[];
  /** The subset with required anti-affinity terms. */
  withRequiredAntiAffinity: { pod: Pod; info: PodAffinityInfo }[];
}

const byNodeInfo = new WeakMap<NodeInfo, PodsWithTerms>();

/**
 * Computed once per NodeInfo object: the cache builds a new NodeInfo whenever a node's pods
 * change, so PreFilter and PreScore visit only these pods instead of every pod in the cluster.
 */
export function podsWithTerms(nodeInfo: NodeInfo): PodsWithTerms {
  let found = byNodeInfo.get(nodeInfo);
  if (!found) {
    found = { withAffinity: [], withRequiredAntiAffinity: [] };
    for (const { pod } of nodeInfo.pods) {
      const info = existingPodAffinityInfo(pod);
      if (info === noTerms) continue;
      found.withAffinity.push({ pod, info });
      if (info.requiredAntiAffinityTerms.length) found.withRequiredAntiAffinity.push({ pod, info });
    }
    byNodeInfo.set(nodeInfo, found);
  }
  return found;
}
