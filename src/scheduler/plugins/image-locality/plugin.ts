/**
 * ImageLocality: favours nodes that already have the pod's images. Each present image counts
 * its size scaled by its spread (the fraction of nodes that have it, so an image everywhere does
 * not skew placement); the sum is clamped to [23 MB, 1000 MB × containers] and mapped linearly
 * onto 0‥100.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type Handle,
  type NodeInfo,
  type PluginFactory,
  type ScorePlugin,
  type Status,
  maxNodeScore,
  success,
} from '../../framework/interface.js';

export const name = 'ImageLocality';

const mb = 1024 * 1024;
export const minThreshold = 23 * mb;
export const maxContainerThreshold = 1000 * mb;

/** The name a runtime reports for an image reference: `:latest` added when there is no tag. */
export const normalizedImageName = (image: string): string =>
  image.lastIndexOf(':') <= image.lastIndexOf('/') ? `${image}:latest` : image;

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  const clamped = Math.min(Math.max(sumScores, minThreshold), maxThreshold);
  return Math.trunc((maxNodeScore * (clamped - minThreshold)) / (maxThreshold - minThreshold));
}

/** How many of `allNodes` have `image`, counted once per snapshot (upstream's ImageStateSummary.NumNodes). */
const spreadMemo = new WeakMap<readonly NodeInfo[], Map<string, number>>();

function nodesWithImage(allNodes: readonly NodeInfo[], image: string): number {
  let byImage = spreadMemo.get(allNodes);
  if (!byImage) spreadMemo.set(allNodes, (byImage = new Map()));
  let n = byImage.get(image);
  if (n === undefined) {
    n = 0;
    for (const info of allNodes) if (info.imageSizes.has(image)) n++;
    byImage.set(image, n);
  }
  return n;
}

export function sumImageScores(node: NodeInfo, pod: Pod, allNodes: readonly NodeInfo[]): number {
  if (node.imageSizes.size === 0) return 0;
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let sum = 0;
  for (const c of containers) {
    const image = normalizedImageName(c.image ?? '');
    const size = node.imageSizes.get(image);
    if (size === undefined) continue;
    sum += Math.trunc(size * (nodesWithImage(allNodes, image) / allNodes.length));
  }
  return sum;
}

export class ImageLocality implements ScorePlugin {
  readonly name = name;

  constructor(private readonly handle: Handle) {}

  score(_state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const numContainers = (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.containers?.length ?? 0);
    // No image on the node: the sum is 0, which maps to 0 (with at least one container).
    if (node.imageSizes.size === 0 && numContainers > 0) return { score: 0, status: success() };
    const all = this.handle.snapshot().nodeInfos();
    return { score: calculatePriority(sumImageScores(node, pod, all), numContainers), status: success() };
  }
}

export const imageLocalityFactory: PluginFactory = (_args, handle) => new ImageLocality(handle);
