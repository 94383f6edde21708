/**
 * NodeResourcesBalancedAllocation: favours nodes whose resources would be used evenly with the
 * pod placed: score = (1 − standard deviation of requested/allocatable over the configured
 * resources) · 100. Real requests are used (no non-zero defaults); best-effort pods skip it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type NodeInfo,
  type PluginFactory,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
  skip,
  success,
} from '../../framework/interface.js';
import { type NodeResourcesBalancedAllocationArgs, balancedAllocationArgs } from './args.js';
import {
  type ResourceSpec,
  balancedResourceScorer,
  podRequestList,
  resourceAllocationScore,
} from './resource-allocation.js';

export const name = 'NodeResourcesBalancedAllocation';
const preScoreStateKey = `PreScore${name}`;

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly resources: ResourceSpec[];

  constructor(args: NodeResourcesBalancedAllocationArgs = balancedAllocationArgs(undefined)) {
    this.resources = args.resources;
  }

  preScore(state: CycleState, pod: Pod): Status {
    const podRequests = podRequestList(pod, this.resources, true);
    if (podRequests.every((r) => r === 0)) return skip();
    state.write(preScoreStateKey, podRequests);
    return success();
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const podRequests = state.read<number[]>(preScoreStateKey) ?? podRequestList(pod, this.resources, true);
    const score = resourceAllocationScore(node, this.resources, podRequests, true, balancedResourceScorer);
    return { score, status: success() };
  }
}

/** Args: `{ resources?: [{ name, weight }] }` (cpu and memory by default). */
export const nodeResourcesBalancedAllocationFactory: PluginFactory = (args) =>
  new BalancedAllocation(balancedAllocationArgs(args));
