/**
 * PrioritySort (QueueSort): pods with a higher `spec.priority` go first; equal priorities in
 * the order they entered the queue.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { QueueSortPlugin, QueuedPodInfo } from '../../framework/extensions.js';
import type { PluginFactory } from '../../framework/interface.js';

export const name = 'PrioritySort';

/** A pod's priority: `spec.priority`, 0 when unset. */
export const podPriority = (pod: Pod): number => pod.spec?.priority ?? 0;

export const less = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
  const pa = podPriority(a.pod);
  const pb = podPriority(b.pod);
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
};

export class PrioritySort implements QueueSortPlugin {
  readonly name = name;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return less(a, b);
  }
}

export const prioritySortFactory: PluginFactory = () => new PrioritySort();
