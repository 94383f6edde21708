/**
 * DefaultPreemption (PostFilter): when no node fits, look for lower-priority pods whose eviction
 * would make room, as upstream's preemption Evaluator:
 *
 *   eligible? (preemptionPolicy Never, or victims still terminating on the nominated node → no)
 *   → nodes that failed Filter as Unschedulable (not …AndUnresolvable) → victims per node
 *   → no candidate: Unschedulable "preemption: 0/N nodes are available: <histogram>."
 *   → best candidate: evict its victims (handle.deletePod), nominate the node, Success.
 *
 * Filters are re-run on a node without its victims through the framework's
 * `runFilterPlugins` when the handle offers it. Without it, only nodes rejected by
 * NodeResourcesFit or NodePorts are evaluated, with those two plugins, and only when no
 * inter-pod (anti-)affinity or hard topology spread could change the outcome; other nodes keep
 * their Filter status (so nothing is evicted on a guess).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import {
  type Handle,
  type NodeInfo,
  type PluginFactory,
  type PostFilterPlugin,
  type Status,
  CycleState,
  error,
  isSuccess,
  success,
  unresolvable,
  unschedulable,
} from '../../framework/interface.js';
import { Fit } from '../node-resources/fit.js';
import { NodePorts } from '../node-ports/plugin.js';
import { podPriority } from '../queue-sort/priority-sort.js';
import { type Candidate, pickOneNodeForPreemption } from './candidates.js';
import { selectVictimsOnNode } from './select-victims.js';

export const name = 'DefaultPreemption';
export const errNotHelpful = 'Preemption is not helpful for scheduling';
export const errPreemptionPolicyNever = 'not eligible due to preemptionPolicy=Never.';
export const errTerminatingOnNominated = 'not eligible due to a terminating pod on the nominated node.';

/** What preemption may use beyond Handle; every member optional (duck-typed). */
export interface PreemptionHandle extends Handle {
  /** Runs the profile's Filter plugins for `pod` on `node` (nominated pods included), like upstream's RunFilterPluginsWithNominatedPods. */
  runFilterPlugins?(state: CycleState, pod: Pod, node: NodeInfo): Status;
  /** Deletes a victim (SchedulerHandle.deletePod). */
  deletePod?(pod: Pod): Promise<void>;
  /** PodDisruptionBudgets, to prefer victims whose eviction violates none. */
  podDisruptionBudgets?(): PodDisruptionBudget[];
}

export interface PreemptionResult {
  /** '' clears the pod's nominated node; undefined leaves it unchanged. */
  nominatedNodeName?: string;
  status: Status;
  /** The victims being evicted on the nominated node. */
  victims?: Pod[];
  /** Settles when every victim's deletion has been attempted. */
  evictions?: Promise<void>;
}

/** The message upstream's FitError prints: `0/N nodes are available: 2 a, 1 b.` (reasons sorted). */
export function fitErrorMessage(
  numAllNodes: number,
  statuses: ReadonlyMap<string, Status>,
  absent: Status,
): string {
  const counts = new Map<string, number>();
  const count = (s: Status, n: number): void => {
    for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + n);
  };
  for (const s of statuses.values()) count(s, 1);
  if (statuses.size < numAllNodes) count(absent, numAllNodes - statuses.size);
  const histogram = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numAllNodes} nodes are available:` + (histogram.length ? ` ${histogram.join(', ')}.` : '');
}

const builtinFilterPlugins = new Set(['NodeResourcesFit', 'NodePorts']);

/**
 * Whether Fit + NodePorts alone decide the pod's fit once victims are gone: no inter-pod
 * (anti-)affinity of the pod or of any pod in the cluster, no hard topology spread.
 */
function builtinFiltersSuffice(pod: Pod, all: readonly NodeInfo[]): boolean {
  const a = pod.spec?.affinity;
  if (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) return false;
  if (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) return false;
  if (pod.spec?.topologySpreadConstraints?.some((c) => c.whenUnsatisfiable === 'DoNotSchedule')) return false;
  return !all.some((n) =>
    n.pods.some(
      (p) => p.pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length,
    ),
  );
}

const isTerminatingByPreemption = (p: Pod): boolean =>
  !!p.metadata?.deletionTimestamp &&
  (p.status?.conditions ?? []).some(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler',
  );

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = name;
  private readonly fit = new Fit();
  private readonly ports = new NodePorts();

  constructor(
    private readonly handle: PreemptionHandle,
    private readonly now: () => number = Date.now,
  ) {}

  /** Upstream's PodEligibleToPreemptOthers: '' when eligible, else the reason. */
  ineligibility(pod: Pod, statuses: ReadonlyMap<string, Status>): string {
    if (pod.spec?.preemptionPolicy === 'Never') return errPreemptionPolicyNever;
    const nominated = pod.status?.nominatedNodeName;
    if (!nominated) return '';
    const status = statuses.get(nominated);
    if (!status || status.code === 'UnschedulableAndUnresolvable') return '';
    const node = this.handle.snapshot().get(nominated);
    const priority = podPriority(pod);
    const terminating = node?.pods.some(
      (p) => podPriority(p.pod) < priority && isTerminatingByPreemption(p.pod),
    );
    return terminating ? errTerminatingOnNominated : '';
  }

  postFilter(state: CycleState, pod: Pod, statuses: Map<string, Status>): PreemptionResult {
    const ineligible = this.ineligibility(pod, statuses);
    if (ineligible) return { status: unschedulable(`preemption: ${ineligible}`) };
    const all = this.handle.snapshot().nodeInfos();
    if (all.length === 0) return { status: error('preemption: no nodes available') };

    const pdbs = this.handle.podDisruptionBudgets?.() ?? [];
    const now = this.now();
    const nodeStatuses = new Map<string, Status>();
    const candidates: Candidate[] = [];
    const builtinSuffice = !this.handle.runFilterPlugins && builtinFiltersSuffice(pod, all);
    for (const node of all) {
      const nodeName = node.node.metadata?.name ?? '';
      const filterStatus = statuses.get(nodeName);
      if (filterStatus?.code !== 'Unschedulable') continue;
      // Without a way to re-run the filters, the node keeps its Filter status (or "no victims").
      const builtin = builtinSuffice && builtinFilterPlugins.has(filterStatus.plugin ?? '');
      const fits = this.fitsFn(state, pod, builtin) ?? (() => filterStatus);
      const sel = selectVictimsOnNode(pod, node, fits, pdbs, now);
      if (isSuccess(sel.status) && sel.victims.length) {
        candidates.push({ nodeName, victims: sel.victims, numPDBViolations: sel.numPDBViolations });
      } else {
        const s = isSuccess(sel.status)
          ? error(`expected at least one victim pod on node "${nodeName}"`)
          : sel.status;
        nodeStatuses.set(nodeName, s);
      }
    }

    const best = pickOneNodeForPreemption(candidates, now);
    if (!best) {
      const failed = [...nodeStatuses.values()].find((s) => s.code === 'Error');
      if (failed) return { status: error(`preemption: ${failed.reasons.join(', ')}`) };
      const msg = fitErrorMessage(all.length, nodeStatuses, unresolvable(errNotHelpful));
      return { nominatedNodeName: '', status: unschedulable(`preemption: ${msg}`) };
    }
    const evictions = this.evict(best.victims);
    return { nominatedNodeName: best.nodeName, status: success(), victims: best.victims, evictions };
  }

  /** How to check the pod's fit on a node without its victims, or undefined when it can't be told. */
  private fitsFn(state: CycleState, pod: Pod, builtin: boolean): ((node: NodeInfo) => Status) | undefined {
    const run = this.handle.runFilterPlugins?.bind(this.handle);
    if (run) return (node) => run(state, pod, node);
    if (!builtin) return undefined;
    return (node) => {
      const s = new CycleState();
      this.ports.preFilter(s, pod);
      const ports = this.ports.filter(s, pod, node);
      if (!isSuccess(ports)) return ports;
      this.fit.preFilter(s, pod);
      return this.fit.filter(s, pod, node);
    };
  }

  private async evict(victims: readonly Pod[]): Promise<void> {
    const del = this.handle.deletePod?.bind(this.handle);
    if (!del) return;
    await Promise.allSettled(victims.map((v) => del(v)));
  }
}

/** Args (MinCandidateNodesPercentage/Absolute) are accepted; every potential node is evaluated. */
export const defaultPreemptionFactory: PluginFactory = (_args, handle) => new DefaultPreemption(handle);
