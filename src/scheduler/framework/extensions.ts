/**
 * What the scheduler's framework adds to the contract in interface.ts:
 *
 * - QueueSort (upstream's QueueSortPlugin): orders the active queue; PrioritySort implements it
 *   as `less(a, b)` over QueuedPodInfo (higher `spec.priority` first, then earlier `timestamp`).
 * - The Handle the scheduler gives every plugin also binds and deletes pods (upstream plugins use
 *   the client set): DefaultBinder calls `bind(pod, nodeName)` (pods/binding semantics),
 *   DefaultPreemption may call `deletePod(pod)` to evict its victims.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Handle, Plugin } from './interface.js';

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  pod: Pod;
  /** When the pod was (re-)added to the queue, in ms since the epoch. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod was first added to the queue, in ms since the epoch. */
  initialAttemptTimestamp: number;
  /** Plugins that rejected it in the last attempt (drives which cluster events requeue it). */
  unschedulablePlugins: Set<string>;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export const isQueueSort = (p: Plugin): p is QueueSortPlugin =>
  typeof (p as Partial<QueueSortPlugin>).less === 'function';

/** The Handle the scheduler builds: interface.ts's Handle plus API writes for binder and preemption. */
export interface SchedulerHandle extends Handle {
  /** POST pods/binding: assigns the pod to the node (409 when already bound or being deleted). */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Deletes the pod (its UID as a precondition), with its own grace period. */
  deletePod(pod: Pod): Promise<void>;
}

/** Upstream's PrioritySort order, used when a profile has no QueueSort plugin of its own. */
export const prioritySortLess = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
  const pa = a.pod.spec?.priority ?? 0;
  const pb = b.pod.spec?.priority ?? 0;
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
};
