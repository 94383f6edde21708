/**
 * Required pod affinity and anti-affinity. PreFilter counts, per topology pair (key=value of a
 * node label), three things over all nodes:
 *
 *   existingAntiAffinityCounts — existing pods whose required anti-affinity terms match the incoming pod
 *   affinityCounts             — existing pods matching ALL the incoming pod's required affinity terms
 *   antiAffinityCounts         — existing pods matching each of the incoming pod's required anti-affinity terms
 *
 * Filter then checks, in this order: the incoming pod's affinity (every term's topology pair on
 * the node must hold a matching pod, unless no pod anywhere matches and the pod matches its own
 * terms: the first of a group that attracts itself), its anti-affinity, and existing pods'
 * anti-affinity.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

import type { Labels } from '../../../apimachinery/labels/index.js';
import {
  type NodeInfo,
  type Status,
  success,
  unresolvable,
  unschedulable,
} from '../../framework/interface.js';
import {
  type NamespaceLister,
  type PodAffinityInfo,
  existingPodAffinityInfo,
  mergeNamespaces,
  namespaceLabels,
  podAffinityInfo,
  podMatchesAllAffinityTerms,
  podsWithTerms,
  termMatches,
} from './affinity-term.js';

export const errReasonExistingAntiAffinityRulesNotMatch =
  "node(s) didn't satisfy existing pods anti-affinity rules";
export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

/** Counts per topology pair; label keys cannot contain '=', so `key=value` names a pair. */
export class TopologyCounts {
  private readonly counts = new Map<string, number>();

  /** Adds `delta` for the node's value of `topologyKey`, if the node has that label. */
  add(node: Node, topologyKey: string, delta = 1): void {
    const labels = node.metadata?.labels ?? {};
    if (!Object.hasOwn(labels, topologyKey)) return;
    const pair = `${topologyKey}=${labels[topologyKey] ?? ''}`;
    const n = (this.counts.get(pair) ?? 0) + delta;
    if (n === 0) this.counts.delete(pair);
    else this.counts.set(pair, n);
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, v] of this.counts) c.counts.set(k, v);
    return c;
  }

  get(topologyKey: string, value: string): number {
    return this.counts.get(`${topologyKey}=${value}`) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }
}

export interface PreFilterState {
  podInfo: PodAffinityInfo;
  namespaceLabels: Labels | undefined;
  existingAntiAffinityCounts: TopologyCounts;
  affinityCounts: TopologyCounts;
  antiAffinityCounts: TopologyCounts;
}

/**
 * The counts Filter needs; throws when the pod's terms do not parse. `withRequiredAntiAffinity`,
 * when known, lists the nodes of `allNodes` that have pods with required anti-affinity.
 */
export function calPreFilterState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  lister: NamespaceLister | undefined,
  withRequiredAntiAffinity: readonly NodeInfo[] = allNodes,
): PreFilterState {
  const parsed = podAffinityInfo(pod);
  const podInfo: PodAffinityInfo = {
    ...parsed,
    requiredAffinityTerms: parsed.requiredAffinityTerms.map((t) => mergeNamespaces(t, lister)),
    requiredAntiAffinityTerms: parsed.requiredAntiAffinityTerms.map((t) => mergeNamespaces(t, lister)),
  };
  const nsLabels = namespaceLabels(lister, pod.metadata?.namespace ?? '');
  const existingAntiAffinityCounts = new TopologyCounts();
  const affinityCounts = new TopologyCounts();
  const antiAffinityCounts = new TopologyCounts();
  const { requiredAffinityTerms: affinity, requiredAntiAffinityTerms: anti } = podInfo;

  for (const nodeInfo of withRequiredAntiAffinity) {
    for (const { info } of podsWithTerms(nodeInfo).withRequiredAntiAffinity) {
      for (const t of info.requiredAntiAffinityTerms) {
        if (termMatches(t, pod, nsLabels)) existingAntiAffinityCounts.add(nodeInfo.node, t.topologyKey);
      }
    }
  }
  // Without required terms of its own the incoming pod needs no look at every existing pod.
  if (affinity.length === 0 && anti.length === 0) {
    return {
      podInfo,
      namespaceLabels: nsLabels,
      existingAntiAffinityCounts,
      affinityCounts,
      antiAffinityCounts,
    };
  }
  for (const nodeInfo of allNodes) {
    const { node } = nodeInfo;
    for (const { pod: existing } of nodeInfo.pods) {
      if (podMatchesAllAffinityTerms(affinity, existing)) {
        for (const t of affinity) affinityCounts.add(node, t.topologyKey);
      }
      for (const t of anti) {
        if (termMatches(t, existing, undefined)) antiAffinityCounts.add(node, t.topologyKey);
      }
    }
  }
  return {
    podInfo,
    namespaceLabels: nsLabels,
    existingAntiAffinityCounts,
    affinityCounts,
    antiAffinityCounts,
  };
}

/**
 * The state with `added` counted on `node` (upstream's updateWithPod, multiplier +1), as
 * PreFilter would have counted it there. A new state; `s` is kept.
 */
export function stateWithPod(s: PreFilterState, pod: Pod, added: Pod, node: Node): PreFilterState {
  const existingAntiAffinityCounts = s.existingAntiAffinityCounts.clone();
  const affinityCounts = s.affinityCounts.clone();
  const antiAffinityCounts = s.antiAffinityCounts.clone();
  for (const t of existingPodAffinityInfo(added).requiredAntiAffinityTerms) {
    if (termMatches(t, pod, s.namespaceLabels)) existingAntiAffinityCounts.add(node, t.topologyKey);
  }
  const { requiredAffinityTerms: affinity, requiredAntiAffinityTerms: anti } = s.podInfo;
  if (podMatchesAllAffinityTerms(affinity, added)) {
    for (const t of affinity) affinityCounts.add(node, t.topologyKey);
  }
  for (const t of anti) if (termMatches(t, added, undefined)) antiAffinityCounts.add(node, t.topologyKey);
  return { ...s, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
}

/** Whether Filter has nothing to check for this pod (upstream's PreFilter Skip). */
export const nothingToFilter = (s: PreFilterState): boolean =>
  s.existingAntiAffinityCounts.size === 0 &&
  s.podInfo.requiredAffinityTerms.length === 0 &&
  s.podInfo.requiredAntiAffinityTerms.length === 0;

function satisfyPodAffinity(s: PreFilterState, pod: Pod, labels: Labels): boolean {
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    // Every topology key must be on the node.
    if (!Object.hasOwn(labels, t.topologyKey)) return false;
    if (s.affinityCounts.get(t.topologyKey, labels[t.topologyKey] ?? '') <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod matches anywhere.
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, pod);
}

function satisfyPodAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  return s.podInfo.requiredAntiAffinityTerms.every(
    (t) =>
      !Object.hasOwn(labels, t.topologyKey) ||
      s.antiAffinityCounts.get(t.topologyKey, labels[t.topologyKey] ?? '') <= 0,
  );
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  return Object.entries(labels).every(([k, v]) => s.existingAntiAffinityCounts.get(k, v) <= 0);
}

export function filterNode(s: PreFilterState, pod: Pod, nodeInfo: NodeInfo): Status {
  const labels = nodeInfo.node.metadata?.labels ?? {};
  if (!satisfyPodAffinity(s, pod, labels)) return unresolvable(errReasonAffinityRulesNotMatch);
  if (!satisfyPodAntiAffinity(s, labels)) return unschedulable(errReasonAntiAffinityRulesNotMatch);
  if (!satisfyExistingPodsAntiAffinity(s, labels))
    return unschedulable(errReasonExistingAntiAffinityRulesNotMatch);
  return success();
}
