/**
 * Why a pod fits nowhere (upstream's Diagnosis and FitError), and the message users read in the
 * FailedScheduling event and the PodScheduled condition:
 *
 *   0/<all> nodes are available: <PreFilter message>.            (PreFilter rejected the pod)
 *   0/<all> nodes are available: <n reason>, <m reason>.         (Filter: reasons counted over
 *                                                                 nodes, sorted as strings)
 *   … followed by " <PostFilter message>" (e.g. DefaultPreemption's "preemption: 0/5 nodes …").
 */
import type { Status } from './interface.js';

export interface Diagnosis {
  /** Statuses of the nodes that were evaluated. */
  nodeToStatus: Map<string, Status>;
  /** The status of every node not in `nodeToStatus` (PreFilter rejected, or narrowed them out). */
  absentNodesStatus?: Status;
  /** Plugins that rejected the pod: their cluster events may make it schedulable. */
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export const newDiagnosis = (): Diagnosis => ({
  nodeToStatus: new Map(),
  unschedulablePlugins: new Set(),
  preFilterMsg: '',
  postFilterMsg: '',
});

export const noNodesAvailableMessage = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    const count = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
    for (const status of d.nodeToStatus.values()) for (const r of status.reasons) count(r, 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentNodesStatus) for (const r of d.absentNodesStatus.reasons) count(r, absent);
    // Go's sort.Strings: byte order of "<count> <reason>".
    const histogram = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** Every node's status, absent ones included (what PostFilter plugins are given). */
export function allNodeStatuses(nodeNames: readonly string[], d: Diagnosis): Map<string, Status> {
  const out = new Map(d.nodeToStatus);
  if (d.absentNodesStatus) {
    for (const n of nodeNames) if (!out.has(n)) out.set(n, d.absentNodesStatus);
  }
  return out;
}
