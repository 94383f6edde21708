/**
 * Scoring by resource allocation (upstream's resourceAllocationScorer), shared by
 * NodeResourcesFit's strategies and NodeResourcesBalancedAllocation. For each configured
 * resource: allocatable on the node, and requested = what the node's pods request + the pod's
 * request. Fit counts cpu/memory with the non-zero defaults (100m / 200Mi per container without
 * a request); BalancedAllocation uses the real requests. A scalar resource the pod doesn't
 * request, or the node doesn't have, is left out of the score.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type NodeInfo, maxNodeScore } from '../../framework/interface.js';
import { isScalarResourceName, podResourceRequest } from '../../framework/node-info.js';

export interface ResourceSpec {
  name: string;
  weight: number;
}

/** requested[i] / allocatable[i] per configured resource; allocatable 0 means "not scored". */
export type Scorer = (requested: number[], allocatable: number[]) => number;

export const defaultResources = (): ResourceSpec[] => [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export const podRequestList = (
  pod: Pod,
  resources: readonly ResourceSpec[],
  useRequested: boolean,
): number[] => resources.map((r) => podResourceRequest(pod, r.name, { nonZero: !useRequested }));

function allocatableAndRequested(
  node: NodeInfo,
  resource: string,
  podRequest: number,
  useRequested: boolean,
): [number, number] {
  const requested = useRequested ? node.requested : node.nonZeroRequested;
  if (podRequest === 0 && isScalarResourceName(resource)) return [0, 0];
  switch (resource) {
    case 'cpu':
      return [node.allocatable.milliCPU, requested.milliCPU + podRequest];
    case 'memory':
      return [node.allocatable.memory, requested.memory + podRequest];
    case 'ephemeral-storage':
      return [node.allocatable.ephemeralStorage, node.requested.ephemeralStorage + podRequest];
    default: {
      const alloc = node.allocatable.scalar[resource];
      return alloc === undefined ? [0, 0] : [alloc, (node.requested.scalar[resource] ?? 0) + podRequest];
    }
  }
}

export function resourceAllocationScore(
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequests: readonly number[],
  useRequested: boolean,
  scorer: Scorer,
): number {
  const n = resources.length;
  const requested = new Array<number>(n).fill(0);
  const allocatable = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const r = resources[i];
    if (!r) continue;
    const [alloc, req] = allocatableAndRequested(node, r.name, podRequests[i] ?? 0, useRequested);
    if (alloc === 0) continue;
    allocatable[i] = alloc;
    requested[i] = req;
  }
  return scorer(requested, allocatable);
}

/** Σ score·weight / Σ weight over the scored resources (integer division), 0 when none. */
function weightedAverage(
  resources: readonly ResourceSpec[],
  perResource: (requested: number, allocatable: number) => number,
): Scorer {
  return (requested, allocatable) => {
    let sum = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      const alloc = allocatable[i] ?? 0;
      if (alloc === 0) continue;
      const weight = resources[i]?.weight ?? 1;
      sum += perResource(requested[i] ?? 0, alloc) * weight;
      weights += weight;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  };
}

/** LeastAllocated: (allocatable − requested) · 100 / allocatable; 0 when over-requested. */
export const leastRequestedScore = (requested: number, capacity: number): number =>
  capacity === 0 || requested > capacity ? 0 : Math.trunc(((capacity - requested) * maxNodeScore) / capacity);

/** MostAllocated: requested · 100 / allocatable, requested capped at allocatable. */
export const mostRequestedScore = (requested: number, capacity: number): number =>
  capacity === 0 ? 0 : Math.trunc((Math.min(requested, capacity) * maxNodeScore) / capacity);

export const leastAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer =>
  weightedAverage(resources, leastRequestedScore);

export const mostAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer =>
  weightedAverage(resources, mostRequestedScore);

export interface UtilizationShapePoint {
  /** 0‥100 */
  utilization: number;
  /** 0‥10 (upstream's MaxCustomPriorityScore) */
  score: number;
}

/** A piecewise-linear function through the points (sorted by utilization), flat outside them. */
export function brokenLinearFunction(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const cur = shape[i];
      if (!cur || p > cur.utilization) continue;
      const prev = shape[i - 1];
      if (!prev) return cur.score;
      return (
        prev.score +
        Math.trunc(((cur.score - prev.score) * (p - prev.utilization)) / (cur.utilization - prev.utilization))
      );
    }
    return shape[shape.length - 1]?.score ?? 0;
  };
}

/**
 * RequestedToCapacityRatio: the shape (scores 0‥10, scaled ×10) applied to utilization
 * requested·100/allocatable (100 when over-requested); the weighted average of the resources
 * scoring above 0, rounded.
 */
export function requestedToCapacityRatioScorer(
  resources: readonly ResourceSpec[],
  shape: readonly UtilizationShapePoint[],
): Scorer {
  const fn = brokenLinearFunction(shape.map((p) => ({ utilization: p.utilization, score: p.score * 10 })));
  const resourceScore = (requested: number, capacity: number): number =>
    capacity === 0 || requested > capacity ? fn(100) : fn(Math.trunc((requested * 100) / capacity));
  return (requested, allocatable) => {
    let sum = 0;
    let weights = 0;
    requested.forEach((req, i) => {
      const alloc = allocatable[i] ?? 0;
      if (alloc === 0) return;
      const weight = resources[i]?.weight ?? 1;
      const s = resourceScore(req, alloc);
      if (s > 0) {
        sum += s * weight;
        weights += weight;
      }
    });
    return weights === 0 ? 0 : Math.round(sum / weights);
  };
}

/** BalancedAllocation: (1 − std of the requested fractions, each capped at 1) · 100, truncated. */
export const balancedResourceScorer: Scorer = (requested, allocatable) => {
  const fractions: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    const alloc = allocatable[i] ?? 0;
    if (alloc !== 0) fractions.push(Math.min((requested[i] ?? 0) / alloc, 1));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs(((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * maxNodeScore);
};
