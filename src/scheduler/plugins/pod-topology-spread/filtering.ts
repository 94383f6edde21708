/**
 * DoNotSchedule constraints. PreFilter counts, per constraint, the matching pods of every
 * eligible domain (nodes that have all topology keys and pass the node inclusion policies);
 * Filter then admits a node when, for every constraint,
 *
 *   pods matching in the node's domain + (1 if the incoming pod matches itself) − global minimum ≤ maxSkew
 *
 * where the global minimum is the smallest count over eligible domains, or 0 while there are
 * fewer eligible domains than minDomains.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

import {
  type NodeInfo,
  type Status,
  success,
  unresolvable,
  unschedulable,
} from '../../framework/interface.js';
import { RequiredNodeAffinity } from '../helper/node-affinity.js';
import {
  type SpreadConstraint,
  type SpreadDefaults,
  countPodsMatchSelector,
  errReasonConstraintsNotMatch,
  errReasonNodeLabelNotMatch,
  getConstraints,
  matchNodeInclusionPolicies,
  name,
  nodeLabelsMatchSpreadConstraints,
} from './common.js';

export const preFilterStateKey = `PreFilter${name}`;

/** Upstream's sentinel for "no eligible domain": any real count is smaller. */
const MAX_INT32 = 2 ** 31 - 1;

export interface PreFilterState {
  constraints: SpreadConstraint[];
  /** Per constraint: topology value → matching pods, for eligible domains only. */
  tpValueToMatchNum: Map<string, number>[];
  /** Per constraint: the smallest count over its eligible domains (MAX_INT32 when there is none). */
  minMatchNum: number[];
}

/** The counts Filter needs; throws when the pod's constraints do not parse. */
export function calPreFilterState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  defaults: SpreadDefaults,
): PreFilterState {
  const constraints = getConstraints(pod, defaults, 'DoNotSchedule');
  const tpValueToMatchNum = constraints.map(() => new Map<string, number>());
  if (constraints.length === 0) return { constraints, tpValueToMatchNum, minMatchNum: [] };

  const namespace = pod.metadata?.namespace ?? '';
  const affinity = new RequiredNodeAffinity(pod);
  for (const nodeInfo of allNodes) {
    const node = nodeInfo.node;
    const labels = node.metadata?.labels ?? {};
    if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, node, affinity)) return;
      const value = labels[c.topologyKey] ?? '';
      const counts = tpValueToMatchNum[i];
      const count = countPodsMatchSelector(nodeInfo.pods, c.selector, namespace);
      counts?.set(value, (counts.get(value) ?? 0) + count);
    });
  }
  const minMatchNum = tpValueToMatchNum.map((counts) => {
    let min = MAX_INT32;
    for (const n of counts.values()) if (n < min) min = n;
    return min;
  });
  return { constraints, tpValueToMatchNum, minMatchNum };
}

/** The global minimum of constraint `i`, taking minDomains into account. */
export function globalMinimum(s: PreFilterState, i: number): number {
  const c = s.constraints[i];
  const domains = s.tpValueToMatchNum[i]?.size ?? 0;
  if (c && domains < c.minDomains) return 0;
  return s.minMatchNum[i] ?? 0;
}

export function filterNode(s: PreFilterState, pod: Pod, nodeInfo: NodeInfo): Status {
  const labels = nodeInfo.node.metadata?.labels ?? {};
  for (const [i, c] of s.constraints.entries()) {
    if (!Object.hasOwn(labels, c.topologyKey)) return unresolvable(errReasonNodeLabelNotMatch);
    const value = labels[c.topologyKey] ?? '';
    const selfMatch = c.selector.matches(pod.metadata?.labels) ? 1 : 0;
    const matchNum = s.tpValueToMatchNum[i]?.get(value) ?? 0;
    if (matchNum + selfMatch - globalMinimum(s, i) > c.maxSkew) {
      return unschedulable(errReasonConstraintsNotMatch);
    }
  }
  return success();
}
