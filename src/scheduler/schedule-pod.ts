/**
 * One pod's placement decision (upstream's schedulePod): PreFilter → Filter over the nodes
 * (the nominated node first; with many nodes only until enough feasible ones are found) →
 * PreScore/Score when more than one node fits → the highest total, ties broken at random.
 * Pure over the framework and the snapshot; the caller assumes, reserves and binds.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type Diagnosis,
  allNodeStatuses,
  newDiagnosis,
  noNodesAvailableMessage,
} from './framework/fit-error.js';
import {
  CycleState,
  type NodeInfo,
  type Snapshot,
  type Status,
  unresolvable,
} from './framework/interface.js';
import type { Framework } from './framework/runtime.js';
import { isRejected, statusMessage } from './framework/status.js';

export type ScheduleResult =
  | { kind: 'scheduled'; host: string; evaluatedNodes: number; feasibleNodes: number }
  /** The pod fits nowhere: `diagnosis` explains why (absent when there are no nodes at all). */
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis?: Diagnosis; message?: string }
  | { kind: 'error'; status: Status };

export interface ScheduleOptions {
  /** The profile's percentage, else the configuration's; 0 is adaptive. */
  percentageOfNodesToScore: number;
  /** Where the previous search stopped (round-robin over cycles); updated in place. */
  cursor: { next: number };
  random: () => number;
}

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/** How many feasible nodes are enough (upstream's numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let pct = percentage;
  if (pct === 0) pct = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, minFeasibleNodesToFind);
}

const nodeName = (n: NodeInfo): string => n.node.metadata?.name ?? '';

export function schedulePod(
  fwk: Framework,
  state: CycleState,
  pod: Pod,
  snapshot: Snapshot,
  o: ScheduleOptions,
): ScheduleResult {
  const allNodes = snapshot.nodeInfos();
  if (!allNodes.length) return { kind: 'unschedulable', numAllNodes: 0, message: noNodesAvailableMessage };
  const found = findNodesThatFitPod(fwk, state, pod, snapshot, allNodes, o);
  if ('error' in found) return { kind: 'error', status: found.error };
  const { feasible, diagnosis } = found;
  if (!feasible.length) {
    return { kind: 'unschedulable', numAllNodes: allNodes.length, diagnosis };
  }
  const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
  const only = feasible[0];
  if (feasible.length === 1 && only) {
    return { kind: 'scheduled', host: nodeName(only), evaluatedNodes, feasibleNodes: 1 };
  }
  const pre = fwk.runPreScorePlugins(state, pod, feasible);
  if (pre.code !== 'Success') return { kind: 'error', status: pre };
  const { scores, status } = fwk.runScorePlugins(state, pod, feasible);
  if (status.code !== 'Success') return { kind: 'error', status };
  let best = '';
  let bestScore = -Infinity;
  let ties = 0;
  for (const s of scores) {
    if (s.totalScore > bestScore) {
      best = s.name;
      bestScore = s.totalScore;
      ties = 1;
    } else if (s.totalScore === bestScore) {
      ties++;
      if (o.random() * ties < 1) best = s.name;
    }
  }
  return { kind: 'scheduled', host: best, evaluatedNodes, feasibleNodes: feasible.length };
}

type Found = { feasible: NodeInfo[]; diagnosis: Diagnosis } | { error: Status };

function findNodesThatFitPod(
  fwk: Framework,
  state: CycleState,
  pod: Pod,
  snapshot: Snapshot,
  allNodes: NodeInfo[],
  o: ScheduleOptions,
): Found {
  const diagnosis = newDiagnosis();
  const pre = fwk.runPreFilterPlugins(state, pod, allNodes);
  diagnosis.unschedulablePlugins = pre.plugins;
  if (pre.status.code !== 'Success') {
    if (!isRejected(pre.status)) return { error: pre.status };
    diagnosis.absentNodesStatus = pre.status;
    diagnosis.preFilterMsg = statusMessage(pre.status);
    return { feasible: [], diagnosis };
  }
  // The node a preemption freed for this pod is tried first.
  const nominated = pod.status?.nominatedNodeName;
  const nominatedInfo = nominated ? snapshot.get(nominated) : undefined;
  if (nominatedInfo && (!pre.result?.nodeNames || pre.result.nodeNames.has(nominated ?? ''))) {
    const s = fwk.runFilterPluginsWithNominatedPods(state, pod, nominatedInfo);
    if (s.code === 'Success') return { feasible: [nominatedInfo], diagnosis };
  }
  let nodes = allNodes;
  const names = pre.result?.nodeNames;
  if (names) {
    nodes = allNodes.filter((n) => names.has(nodeName(n)));
    const plugins = [...pre.plugins].sort();
    diagnosis.absentNodesStatus = unresolvable(`node(s) didn't satisfy plugin(s) [${plugins.join(' ')}]`);
  }
  const pct = fwk.percentageOfNodesToScore ?? o.percentageOfNodesToScore;
  const wanted = numFeasibleNodesToFind(pct, nodes.length);
  const feasible: NodeInfo[] = [];
  if (!nodes.length) return { feasible, diagnosis };
  const start = o.cursor.next % nodes.length;
  let processed = 0;
  for (let i = 0; i < nodes.length && feasible.length < wanted; i++) {
    const node = nodes[(start + i) % nodes.length];
    if (!node) continue;
    processed++;
    const s = fwk.hasFilterPlugins()
      ? fwk.runFilterPluginsWithNominatedPods(state, pod, node)
      : { code: 'Success' as const, reasons: [] };
    if (s.code === 'Success') {
      feasible.push(node);
    } else if (isRejected(s)) {
      diagnosis.nodeToStatus.set(nodeName(node), s);
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
    } else {
      return { error: s };
    }
  }
  o.cursor.next = (start + processed) % allNodes.length;
  return { feasible, diagnosis };
}

/** The statuses PostFilter plugins get: every node's, absent ones included. */
export const postFilterStatuses = (snapshot: Snapshot, d: Diagnosis): Map<string, Status> =>
  allNodeStatuses(snapshot.nodeInfos().map(nodeName), d);
