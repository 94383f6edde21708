/**
 * NodeResourcesFit: the node must have room for the pod's effective request (init containers,
 * sidecars and overhead included) next to what its pods already request, and a free pod slot.
 * Filter reasons: "Too many pods", "Insufficient cpu", "Insufficient memory",
 * "Insufficient ephemeral-storage", "Insufficient <extended resource>"; unresolvable when the
 * request exceeds the node's whole allocatable (preemption can't help). Score follows the
 * configured strategy (LeastAllocated by default).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type PluginFactory,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type Resource,
  type ScorePlugin,
  type Status,
  success,
  unresolvable,
  unschedulable,
} from '../../framework/interface.js';
import { computePodResourceRequest } from '../../framework/node-info.js';
import { isExtendedResourceName } from '../../../apis/core/validation/resources.js';
import { type NodeResourcesFitArgs, fitArgs } from './args.js';
import {
  type ResourceSpec,
  type Scorer,
  leastAllocatedScorer,
  mostAllocatedScorer,
  podRequestList,
  requestedToCapacityRatioScorer,
  resourceAllocationScore,
} from './resource-allocation.js';

export const name = 'NodeResourcesFit';
const preFilterStateKey = `PreFilter${name}`;
const preScoreStateKey = `PreScore${name}`;

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The request exceeds the node's allocatable: even an empty node would not fit. */
  unresolvable: boolean;
}

export interface IgnoredResources {
  ignoredResources?: ReadonlySet<string>;
  ignoredResourceGroups?: ReadonlySet<string>;
}

/** What the pod lacks on the node, in upstream's order: pods, cpu, memory, ephemeral-storage, scalars. */
export function fitsRequest(
  req: Resource,
  node: NodeInfo,
  ignored: IgnoredResources = {},
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const { allocatable: alloc, requested: used } = node;
  if (node.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({
      resourceName: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: node.pods.length,
      capacity: alloc.allowedPodNumber,
      unresolvable: false,
    });
  }
  let hasScalars = false;
  for (const _ in req.scalar) {
    hasScalars = true;
    break;
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && !hasScalars) return out;
  const check = (resourceName: string, want: number, inUse: number, capacity: number): void => {
    if (want > 0 && want > capacity - inUse) {
      const reason = `Insufficient ${resourceName}`;
      out.push({
        resourceName,
        reason,
        requested: want,
        used: inUse,
        capacity,
        unresolvable: want > capacity,
      });
    }
  };
  check('cpu', req.milliCPU, used.milliCPU, alloc.milliCPU);
  check('memory', req.memory, used.memory, alloc.memory);
  check('ephemeral-storage', req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage);
  for (const rName in req.scalar) {
    const want = req.scalar[rName] ?? 0;
    if (isExtendedResourceName(rName)) {
      const group = rName.split('/')[0] ?? '';
      if (ignored.ignoredResources?.has(rName) || ignored.ignoredResourceGroups?.has(group)) continue;
    }
    check(rName, want, used.scalar[rName] ?? 0, alloc.scalar[rName] ?? 0);
  }
  return out;
}

/** The Filter status for a list of insufficient resources (success when empty). */
export function insufficientStatus(insufficient: readonly InsufficientResource[]): Status {
  if (insufficient.length === 0) return success();
  const reasons = insufficient.map((r) => r.reason);
  return insufficient.some((r) => r.unresolvable) ? unresolvable(...reasons) : unschedulable(...reasons);
}

function strategyScorer(args: NodeResourcesFitArgs): Scorer {
  const { type, resources, requestedToCapacityRatio } = args.scoringStrategy;
  switch (type) {
    case 'LeastAllocated':
      return leastAllocatedScorer(resources);
    case 'MostAllocated':
      return mostAllocatedScorer(resources);
    case 'RequestedToCapacityRatio':
      return requestedToCapacityRatioScorer(resources, requestedToCapacityRatio?.shape ?? []);
  }
}

export class Fit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly ignored: IgnoredResources;
  private readonly resources: ResourceSpec[];
  private readonly scorer: Scorer;

  constructor(args: NodeResourcesFitArgs = fitArgs(undefined)) {
    this.ignored = {
      ignoredResources: new Set(args.ignoredResources),
      ignoredResourceGroups: new Set(args.ignoredResourceGroups),
    };
    this.resources = args.scoringStrategy.resources;
    this.scorer = strategyScorer(args);
  }

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    state.write(preFilterStateKey, computePodResourceRequest(pod));
    return { status: success() };
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const req = state.read<Resource>(preFilterStateKey) ?? computePodResourceRequest(pod);
    return insufficientStatus(fitsRequest(req, node, this.ignored));
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(preScoreStateKey, podRequestList(pod, this.resources, false));
    return success();
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const podRequests = state.read<number[]>(preScoreStateKey) ?? podRequestList(pod, this.resources, false);
    return {
      score: resourceAllocationScore(node, this.resources, podRequests, false, this.scorer),
      status: success(),
    };
  }
}

/** Args: NodeResourcesFitArgs (`scoringStrategy`, `ignoredResources`, `ignoredResourceGroups`). */
export const nodeResourcesFitFactory: PluginFactory = (args) => new Fit(fitArgs(args));
