/**
 * ScheduleAnyway constraints. PreScore registers the domains of the nodes that passed Filter
 * and counts the matching pods in them over all nodes (eligible ones only); Score gives each
 * node, summed over constraints,
 *
 *   matching pods in its domain × log(number of domains + 2) + (maxSkew − 1)
 *
 * so that constraints over few domains (zones) are not drowned by ones over many (hosts), and
 * NormalizeScore turns "fewer matching pods" into a higher score:
 *
 *   100 × (max + min − score) / max      (100 for every node when max is 0)
 *
 * Nodes lacking a topology key get 0. With the built-in system defaults a node only needs the
 * keys it has (a node without a zone label is still spread by hostname).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

import { type NodeInfo, type NodeScore, labelHostname, maxNodeScore } from '../../framework/interface.js';
import { RequiredNodeAffinity } from '../helper/node-affinity.js';
import {
  type SpreadConstraint,
  type SpreadDefaults,
  countPodsMatchSelector,
  getConstraints,
  name,
  nodeLabelsMatchSpreadConstraints,
  spreadCountSpec,
} from './common.js';
import { DomainCounter } from './domain-counts.js';
import type { CountSource } from './filtering.js';

export const preScoreStateKey = `PreScore${name}`;

export interface PreScoreState {
  constraints: SpreadConstraint[];
  /** Filtered nodes missing some topology key: scored 0. */
  ignoredNodes: Set<string>;
  /** Per constraint: topology value → matching pods (hostname constraints are counted in Score). */
  topologyValueToPodCounts: Map<string, number>[];
  /** Per constraint: log(domains + 2). */
  topologyNormalizingWeight: number[];
}

/** log(size + 2): in [1.09, 8.52] for 0 to 5000 domains. */
export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

/** A domain's contribution to a node's raw score. */
export const scoreForCount = (count: number, maxSkew: number, weight: number): number =>
  count * weight + (maxSkew - 1);

/** The state Score needs, or undefined when there is nothing to score; throws when constraints do not parse. */
export function calPreScoreState(
  pod: Pod,
  filteredNodes: readonly NodeInfo[],
  allNodes: readonly NodeInfo[],
  defaults: SpreadDefaults,
  source: CountSource = { counter: new DomainCounter(), snapshot: undefined },
): PreScoreState | undefined {
  if (allNodes.length === 0) return undefined;
  const constraints = getConstraints(pod, defaults, 'ScheduleAnyway');
  if (constraints.length === 0) return undefined;
  const requireAllTopologies =
    (pod.spec?.topologySpreadConstraints ?? []).length > 0 || !defaults.systemDefaulted;

  const ignoredNodes = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const { node } of filteredNodes) {
    const labels = node.metadata?.labels ?? {};
    if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) {
      ignoredNodes.add(node.metadata?.name ?? '');
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === labelHostname) return;
      counts[i]?.set(labels[c.topologyKey] ?? '', 0);
    });
  }
  const weights = constraints.map((c, i) =>
    topologyNormalizingWeight(
      c.topologyKey === labelHostname ? filteredNodes.length - ignoredNodes.size : (counts[i]?.size ?? 0),
    ),
  );

  // Count only constraints with a candidate domain; hostname ones are counted per node in Score.
  const requiredKeys = requireAllTopologies ? constraints.map((c) => c.topologyKey) : [];
  const affinity = new RequiredNodeAffinity(pod);
  constraints.forEach((c, i) => {
    const domains = counts[i];
    if (c.topologyKey === labelHostname || !domains?.size) return;
    const all = source.counter.count(
      source.snapshot,
      allNodes,
      spreadCountSpec(c, pod, requiredKeys, affinity),
    );
    for (const value of domains.keys()) domains.set(value, all.get(value) ?? 0);
  });
  return { constraints, ignoredNodes, topologyValueToPodCounts: counts, topologyNormalizingWeight: weights };
}

/** The raw score: higher means more matching pods around the node (worse). */
export function scoreNode(s: PreScoreState, pod: Pod, nodeInfo: NodeInfo): number {
  const node = nodeInfo.node;
  if (s.ignoredNodes.has(node.metadata?.name ?? '')) return 0;
  const labels = node.metadata?.labels ?? {};
  const namespace = pod.metadata?.namespace ?? '';
  let score = 0;
  s.constraints.forEach((c, i) => {
    if (!Object.hasOwn(labels, c.topologyKey)) return;
    const value = labels[c.topologyKey] ?? '';
    const count =
      c.topologyKey === labelHostname
        ? countPodsMatchSelector(nodeInfo.pods, c.selector, namespace)
        : (s.topologyValueToPodCounts[i]?.get(value) ?? 0);
    score += scoreForCount(count, c.maxSkew, s.topologyNormalizingWeight[i] ?? 0);
  });
  return Math.round(score);
}

/** Rescales raw scores in place so the node with the fewest matching pods gets the most. */
export function normalizeScores(s: PreScoreState, scores: NodeScore[]): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const { name: nodeName, score } of scores) {
    if (s.ignoredNodes.has(nodeName)) continue;
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  for (const entry of scores) {
    if (s.ignoredNodes.has(entry.name)) entry.score = 0;
    else if (max === 0) entry.score = maxNodeScore;
    else entry.score = Math.floor((maxNodeScore * (max + min - entry.score)) / max);
  }
}
