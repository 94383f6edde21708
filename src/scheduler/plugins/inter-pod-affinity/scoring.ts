/**
 * Preferred pod affinity and anti-affinity, symmetric between the incoming pod and existing
 * ones. For every existing pod on a node with labels, the node's topology pair of a term's key
 * gains (or, for anti-affinity, loses) the term's weight when:
 *
 *   an incoming pod's preferred (anti-)affinity term matches the existing pod
 *   an existing pod's preferred (anti-)affinity term matches the incoming pod
 *   an existing pod's REQUIRED affinity term matches the incoming pod (weight hardPodAffinityWeight)
 *
 * A node scores the sum over the pairs its labels hold; NormalizeScore maps the lowest raw score
 * to 0 and the highest to 100.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

import type { Labels } from '../../../apimachinery/labels/index.js';
import { type NodeInfo, type NodeScore, maxNodeScore } from '../../framework/interface.js';
import {
  type AffinityTerm,
  type NamespaceLister,
  type WeightedAffinityTerm,
  existingPodAffinityInfo,
  mergeNamespaces,
  namespaceLabels,
  podAffinityInfo,
  podsWithTerms,
  termMatches,
} from './affinity-term.js';

export interface ScoringArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/** topologyKey → topology value → summed weight. */
export type TopologyScore = Map<string, Map<string, number>>;

export interface PreScoreState {
  topologyScore: TopologyScore;
}

function processTerm(
  score: TopologyScore,
  term: AffinityTerm,
  weight: number,
  pod: Pod,
  nsLabels: Labels | undefined,
  node: Node,
): void {
  const labels = node.metadata?.labels ?? {};
  if (!termMatches(term, pod, nsLabels) || !Object.hasOwn(labels, term.topologyKey)) return;
  const value = labels[term.topologyKey] ?? '';
  const byValue = score.get(term.topologyKey) ?? new Map<string, number>();
  byValue.set(value, (byValue.get(value) ?? 0) + weight);
  score.set(term.topologyKey, byValue);
}

const processTerms = (
  score: TopologyScore,
  terms: readonly WeightedAffinityTerm[],
  sign: 1 | -1,
  pod: Pod,
  nsLabels: Labels | undefined,
  node: Node,
): void => terms.forEach((t) => processTerm(score, t, sign * t.weight, pod, nsLabels, node));

/**
 * The state Score needs, or undefined when no node would score anything; throws when the pod's
 * terms do not parse. `withAffinity`, when known, lists the nodes of `allNodes` that have pods
 * with pod (anti-)affinity.
 */
export function calPreScoreState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  args: ScoringArgs,
  lister: NamespaceLister | undefined,
  withAffinity: readonly NodeInfo[] = allNodes,
): PreScoreState | undefined {
  const parsed = podAffinityInfo(pod);
  const hasConstraints =
    parsed.preferredAffinityTerms.length > 0 || parsed.preferredAntiAffinityTerms.length > 0;
  if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return undefined;
  const affinity = parsed.preferredAffinityTerms.map((t) => mergeNamespaces(t, lister));
  const anti = parsed.preferredAntiAffinityTerms.map((t) => mergeNamespaces(t, lister));
  const nsLabels = namespaceLabels(lister, pod.metadata?.namespace ?? '');

  const topologyScore: TopologyScore = new Map();
  for (const nodeInfo of hasConstraints ? allNodes : withAffinity) {
    const { node } = nodeInfo;
    // Without preferred terms of its own the incoming pod only meets existing pods' terms:
    // the pods that have some (upstream's HavePodsWithAffinityList).
    const existingPods = hasConstraints
      ? nodeInfo.pods.map(({ pod: p }) => ({ pod: p, info: existingPodAffinityInfo(p) }))
      : podsWithTerms(nodeInfo).withAffinity;
    if (!existingPods.length || Object.keys(node.metadata?.labels ?? {}).length === 0) continue;
    for (const { pod: existing, info } of existingPods) {
      // The incoming pod's terms have their namespaces merged: no namespace labels needed.
      processTerms(topologyScore, affinity, 1, existing, undefined, node);
      processTerms(topologyScore, anti, -1, existing, undefined, node);
      if (args.hardPodAffinityWeight > 0) {
        for (const t of info.requiredAffinityTerms) {
          processTerm(topologyScore, t, args.hardPodAffinityWeight, pod, nsLabels, node);
        }
      }
      processTerms(topologyScore, info.preferredAffinityTerms, 1, pod, nsLabels, node);
      processTerms(topologyScore, info.preferredAntiAffinityTerms, -1, pod, nsLabels, node);
    }
  }
  return topologyScore.size === 0 ? undefined : { topologyScore };
}

/** The raw score: positive for affinity, negative for anti-affinity. */
export function scoreNode(s: PreScoreState, nodeInfo: NodeInfo): number {
  const labels = nodeInfo.node.metadata?.labels ?? {};
  let score = 0;
  for (const [key, byValue] of s.topologyScore) {
    if (Object.hasOwn(labels, key)) score += byValue.get(labels[key] ?? '') ?? 0;
  }
  return score;
}

/** Rescales raw scores in place to [0, 100]; all 0 when they are all equal. */
export function normalizeScores(s: PreScoreState, scores: NodeScore[]): void {
  if (s.topologyScore.size === 0 || scores.length === 0) return;
  let min = Infinity;
  let max = -Infinity;
  for (const { score } of scores) {
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  const diff = max - min;
  // The same floating-point steps as upstream, so truncation lands on the same integers.
  for (const e of scores) e.score = diff > 0 ? Math.trunc(maxNodeScore * ((e.score - min) / diff)) : 0;
}
