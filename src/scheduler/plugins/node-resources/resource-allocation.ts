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

/**
 * Writes the node's allocatable and requested amount of `resource` (with the pod's request
 * added) at index `i`, or 0 and 0 when the resource is not scored. Called per node and
 * resource while scoring: it fills the caller's arrays instead of returning a pair.
 */
function fillAllocatableAndRequested(
  node: NodeInfo,
  resource: string,
  podRequest: number,
  useRequested: boolean,
  i: number,
  allocatable: number[],
  requested: number[],
): void {
  let alloc = 0;
  let req = 0;
  if (podRequest !== 0 || !isScalarResourceName(resource)) {
    const used = useRequested ? node.requested : node.nonZeroRequested;
    switch (resource) {
      case 'cpu':
        alloc = node.allocatable.milliCPU;
        req = used.milliCPU + podRequest;
        break;
      case 'memory':
        alloc = node.allocatable.memory;
        req = used.memory + podRequest;
        break;
      case 'ephemeral-storage':
        alloc = node.allocatable.ephemeralStorage;
        req = node.requested.ephemeralStorage + podRequest;
        break;
      default: {
        const a = node.allocatable.scalar[resource];
        if (a !== undefined) {
          alloc = a;
          req = (node.requested.scalar[resource] ?? 0) + podRequest;
        }
      }
    }
  }
  if (alloc === 0) req = 0; // not scored
  allocatable[i] = alloc;
  requested[i] = req;
}

export function resourceAllocationScore(
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequests: readonly number[],
  useRequested: boolean,
  scorer: Scorer,
): number {
  const n = resources.length;
  // sized up front: growing an empty array would allocate room for 17 numbers per call
  const requested = new Array<number>(n);
  const allocatable = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = resources[i];
    if (r)
      fillAllocatableAndRequested(node, r.name, podRequests[i] ?? 0, useRequested, i, allocatable, requested);
    else {
      allocatable[i] = 0;
      requested[i] = 0;
    }
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

/** requested/allocatable of resource `i`, capped at 1. */
const fractionAt = (requested: readonly number[], allocatable: readonly number[], i: number): number =>
  Math.min((requested[i] ?? 0) / (allocatable[i] ?? 0), 1);

/** BalancedAllocation: (1 − std of the requested fractions, each capped at 1) · 100, truncated. */
export const balancedResourceScorer: Scorer = (requested, allocatable) => {
  // the fractions of the scored resources are computed as they are used rather than collected:
  // this runs for every node and pod
  let count = 0;
  let first = 0;
  let second = 0;
  let sum = 0;
  for (let i = 0; i < requested.length; i++) {
    if ((allocatable[i] ?? 0) === 0) continue;
    const f = fractionAt(requested, allocatable, i);
    if (count === 0) first = f;
    else if (count === 1) second = f;
    sum += f;
    count++;
  }
  let std = 0;
  if (count === 2) {
    std = Math.abs((first - second) / 2);
  } else if (count > 2) {
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < requested.length; i++) {
      if ((allocatable[i] ?? 0) !== 0) squares += (fractionAt(requested, allocatable, i) - mean) ** 2;
    }
    std = Math.sqrt(squares / count);
  }
  return Math.trunc((1 - std) * maxNodeScore);
};
