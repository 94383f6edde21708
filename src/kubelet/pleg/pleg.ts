/**
 * The pod lifecycle event generator (upstream `pkg/kubelet/pleg`): turns changes in the runtime
 * into per-pod events that wake the pod workers, and keeps the latest runtime status per pod.
 */
import type { RuntimePodStatus } from '../kuberuntime/runtime-pod-status.js';

export type PodLifecycleEvent =
  | { type: 'ContainerStarted'; podUID: string; containerID: string }
  | { type: 'ContainerDied'; podUID: string; containerID: string }
  | { type: 'ContainerRemoved'; podUID: string; containerID: string }
  | { type: 'SandboxChanged'; podUID: string; sandboxID: string };

export interface PodLifecycleEventGenerator {
  /** Starts relisting; stops when the signal aborts. */
  start(signal: AbortSignal): void;
  /** Registers the consumer of events. */
  watch(handler: (event: PodLifecycleEvent) => void): void;
  /** The latest runtime status seen for a pod. */
  getStatus(uid: string): RuntimePodStatus | undefined;
  setStatus(status: RuntimePodStatus): void;
  /** UIDs of every pod the runtime holds sandboxes or containers for (as of the last relist). */
  podUIDs(): string[];
}
