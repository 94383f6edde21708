/**
 * NodeResourcesFitArgs and NodeResourcesBalancedAllocationArgs as written in the configuration,
 * with upstream's v1 defaults (LeastAllocated over cpu and memory, weight 1; weight 0 → 1) and
 * its validation of the parts Cairn uses (an unknown strategy or a missing shape is an error).
 */
import { asArgs, asArray, asNumber, asString, asStrings } from '../helper/args.js';
import { type ResourceSpec, type UtilizationShapePoint, defaultResources } from './resource-allocation.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
const strategyTypes: readonly string[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: {
    type: ScoringStrategyType;
    resources: ResourceSpec[];
    requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
  };
}

export interface NodeResourcesBalancedAllocationArgs {
  resources: ResourceSpec[];
}

function resourceSpecs(v: unknown): ResourceSpec[] {
  const specs = asArray(v).map((r) => {
    const o = asArgs(r);
    const name = asString(o.name);
    if (!name) throw new Error('resources: name is required');
    return { name, weight: asNumber(o.weight) || 1 };
  });
  return specs.length ? specs : defaultResources();
}

function shapePoints(v: unknown): UtilizationShapePoint[] {
  const points = asArray(asArgs(v).shape).map((p) => {
    const o = asArgs(p);
    return { utilization: asNumber(o.utilization) ?? 0, score: asNumber(o.score) ?? 0 };
  });
  if (points.length === 0) throw new Error('scoringStrategy.requestedToCapacityRatio.shape: Required value');
  points.forEach((p, i) => {
    if (p.utilization < 0 || p.utilization > 100 || p.score < 0 || p.score > 10) {
      throw new Error(
        `scoringStrategy.requestedToCapacityRatio.shape[${i}]: utilization must be 0-100, score 0-10`,
      );
    }
    const prev = points[i - 1];
    if (prev && prev.utilization >= p.utilization) {
      throw new Error(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: must be increasing`);
    }
  });
  return points;
}

export function fitArgs(raw: unknown): NodeResourcesFitArgs {
  const a = asArgs(raw);
  const s = asArgs(a.scoringStrategy);
  const type = asString(s.type) ?? 'LeastAllocated';
  if (!strategyTypes.includes(type)) throw new Error(`scoring strategy ${type} is not supported`);
  const strategy: NodeResourcesFitArgs['scoringStrategy'] = {
    type: type as ScoringStrategyType,
    resources: resourceSpecs(s.resources),
  };
  if (type === 'RequestedToCapacityRatio') {
    strategy.requestedToCapacityRatio = { shape: shapePoints(s.requestedToCapacityRatio) };
  }
  return {
    ignoredResources: asStrings(a.ignoredResources),
    ignoredResourceGroups: asStrings(a.ignoredResourceGroups),
    scoringStrategy: strategy,
  };
}

export const balancedAllocationArgs = (raw: unknown): NodeResourcesBalancedAllocationArgs => ({
  resources: resourceSpecs(asArgs(raw).resources),
});
