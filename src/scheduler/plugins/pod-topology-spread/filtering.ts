/**
 * DoNotSchedule constraints. PreFilter counts, per constraint, the matching pods of every
 * eligible domain (nodes that have all topology keys and pass the node inclusion policies;
 * kept across cycles by a DomainCounter);
 * Filter then admits a node when, for every constraint,
 *
 *   pods matching in the node's domain + (1 if the incoming pod matches itself) − global minimum ≤ maxSkew
 *
 * where the global minimum is the smallest count over eligible domains, or 0 while there are
 * fewer eligible domains than minDomains.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

import {
  type NodeInfo,
  type Snapshot,
  type Status,
  success,
  unresolvable,
  unschedulable,
} from '../../framework/interface.js';
import { RequiredNodeAffinity } from '../helper/node-affinity.js';
import {
  type SpreadConstraint,
  type SpreadDefaults,
  errReasonConstraintsNotMatch,
  errReasonNodeLabelNotMatch,
  getConstraints,
  matchNodeInclusionPolicies,
  name,
  spreadCountSpec,
} from './common.js';
import { DomainCounter } from './domain-counts.js';

export const preFilterStateKey = `PreFilter${name}`;

/** Upstream's sentinel for "no eligible domain": any real count is smaller. */
const MAX_INT32 = 2 ** 31 - 1;

export interface PreFilterState {
  constraints: SpreadConstraint[];
  /** Per constraint: topology value → matching pods, for eligible domains only. */
  tpValueToMatchNum: Map<string, number>[];
  /** Per constraint: the smallest count over its eligible domains (MAX_INT32 when there is none). */
  minMatchNum: number[];
  /** Per constraint: 1 when the incoming pod matches the selector itself. */
  selfMatchNum?: number[];
}

/** Where PreFilter gets its counts: kept across cycles when the snapshot has a change log. */
export interface CountSource {
  counter: DomainCounter;
  snapshot: Snapshot | undefined;
}

/** The counts Filter needs; throws when the pod's constraints do not parse. */
export function calPreFilterState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  defaults: SpreadDefaults,
  source: CountSource = { counter: new DomainCounter(), snapshot: undefined },
): PreFilterState {
  const constraints = getConstraints(pod, defaults, 'DoNotSchedule');
  if (constraints.length === 0) return { constraints, tpValueToMatchNum: [], minMatchNum: [] };

  // A node counts for every constraint only if it has all their topology keys.
  const requiredKeys = constraints.map((c) => c.topologyKey);
  const affinity = new RequiredNodeAffinity(pod);
  const tpValueToMatchNum = constraints.map((c) =>
    source.counter.count(source.snapshot, allNodes, spreadCountSpec(c, pod, requiredKeys, affinity)),
  );
  const minMatchNum = tpValueToMatchNum.map((counts) => {
    let min = MAX_INT32;
    for (const n of counts.values()) if (n < min) min = n;
    return min;
  });
  const selfMatchNum = constraints.map((c) => (c.selector.matches(pod.metadata?.labels) ? 1 : 0));
  return { constraints, tpValueToMatchNum, minMatchNum, selfMatchNum };
}

/**
 * The state with `added` counted on `node` (upstream's updateWithPod, delta +1): for each
 * constraint whose selector matches it, when it is in the incoming pod's namespace and the node
 * has every topology key and passes the constraint's inclusion policies. A new state; `s` is kept.
 */
export function stateWithPod(s: PreFilterState, pod: Pod, added: Pod, node: Node): PreFilterState {
  if ((added.metadata?.namespace ?? '') !== (pod.metadata?.namespace ?? '')) return s;
  const labels = node.metadata?.labels ?? {};
  if (!s.constraints.every((c) => Object.hasOwn(labels, c.topologyKey))) return s;
  const affinity = new RequiredNodeAffinity(pod);
  const tpValueToMatchNum = s.tpValueToMatchNum.slice();
  const minMatchNum = s.minMatchNum.slice();
  s.constraints.forEach((c, i) => {
    if (!c.selector.matches(added.metadata?.labels)) return;
    if (!matchNodeInclusionPolicies(c, pod, node, affinity)) return;
    const counts = new Map(tpValueToMatchNum[i]);
    const value = labels[c.topologyKey] ?? '';
    counts.set(value, (counts.get(value) ?? 0) + 1);
    tpValueToMatchNum[i] = counts;
    let min = MAX_INT32;
    for (const n of counts.values()) if (n < min) min = n;
    minMatchNum[i] = min;
  });
  return { ...s, tpValueToMatchNum, minMatchNum };
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
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as SpreadConstraint;
    if (!Object.hasOwn(labels, c.topologyKey)) return unresolvable(errReasonNodeLabelNotMatch);
    const value = labels[c.topologyKey] ?? '';
    const selfMatch = s.selfMatchNum?.[i] ?? (c.selector.matches(pod.metadata?.labels) ? 1 : 0);
    const matchNum = s.tpValueToMatchNum[i]?.get(value) ?? 0;
    if (matchNum + selfMatch - globalMinimum(s, i) > c.maxSkew) {
      return unschedulable(errReasonConstraintsNotMatch);
    }
  }
  return success();
}
