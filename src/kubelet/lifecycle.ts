/**
 * The seam between the agent's bring-up (API client, node registration, pod source) and the
 * pod lifecycle (pod workers, sync, PLEG, status): the agent feeds the desired pods bound to
 * its node in, the lifecycle writes their status and finally removes terminated ones.
 *
 *   API watch (spec.nodeName=me) ──update/remove──▶ PodLifecycle ──▶ runtime (CRI)
 *                                                     │
 *                                   updatePodStatus ◀─┤ (pods/status)
 *                                   deletePod       ◀─┘ (DELETE, grace 0, uid precondition)
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../util/log.js';
import type { Runtime } from './container/runtime.js';
import type { PodEventRecorder } from './events/reasons.js';

export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const realClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface PodLifecycleOptions {
  runtime: Runtime;
  nodeName: string;
  logger: Logger;
  /** `<data-dir>/kubelet`: per-pod dirs (`pods/<uid>`), container logs (`logs/`). */
  rootDir: string;
  /** Writes the pod's status through `pods/status`. */
  updatePodStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** Removes a terminated pod from the API: DELETE with gracePeriodSeconds 0 and its uid as precondition. */
  deletePod(pod: Pod): Promise<void>;
  /** Cluster DNS for dnsPolicy ClusterFirst (absent: the host's resolv.conf is used). */
  clusterDNS?: { nameservers: string[]; domain: string };
  clock?: Clock;
  /** Events about pods and containers (the agent's: core/v1 Events through the API); default: logged. */
  events?: PodEventRecorder;
}

export interface PodLifecycle {
  /** A pod bound to this node was added or changed (including getting a deletionTimestamp). */
  update(pod: Pod): void;
  /** The pod object is gone from the API: stop whatever still runs for it. */
  remove(pod: Pod): void;
  /** Starts the workers and the PLEG; resolves once running. */
  start(signal: AbortSignal): Promise<void>;
}
