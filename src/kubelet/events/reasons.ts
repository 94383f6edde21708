/**
 * The kubelet's event reasons (upstream `pkg/kubelet/events`): the `reason` of the core/v1
 * Events the agent records about pods and their containers. Messages are built where the event
 * happens; these names are what `kubectl describe pod` shows in its Reason column.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { EventType } from '../../client/record/event-recorder.js';

// containers
export const CREATED_CONTAINER = 'Created';
export const STARTED_CONTAINER = 'Started';
export const FAILED_TO_CREATE_CONTAINER = 'Failed';
export const FAILED_TO_START_CONTAINER = 'Failed';
export const KILLING_CONTAINER = 'Killing';
export const BACK_OFF_START_CONTAINER = 'BackOff';

// images
export const PULLING_IMAGE = 'Pulling';
export const PULLED_IMAGE = 'Pulled';
export const FAILED_TO_PULL_IMAGE = 'Failed';
export const BACK_OFF_PULL_IMAGE = 'BackOff';
export const ERR_IMAGE_NEVER_PULL = 'ErrImageNeverPull';
export const FAILED_TO_INSPECT_IMAGE = 'InspectFailed';

// pods
export const FAILED_MOUNT_VOLUME = 'FailedMount';
export const FAILED_CREATE_POD_SANDBOX = 'FailedCreatePodSandBox';
export const SANDBOX_CHANGED = 'SandboxChanged';
export const FAILED_KILL_POD = 'FailedKillPod';
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

// probes and hooks (recorded by prober/ and lifecycle-hooks/)
export const CONTAINER_UNHEALTHY = 'Unhealthy';
export const CONTAINER_PROBE_WARNING = 'ProbeWarning';
export const FAILED_POST_START_HOOK = 'FailedPostStartHook';
export const FAILED_PRE_STOP_HOOK = 'FailedPreStopHook';

export type { EventType } from '../../client/record/event-recorder.js';

/** What the pod lifecycle records events through (the sync, the prober, the hooks). */
export interface PodEventRecorder {
  /** An event about the pod itself (FailedMount, SandboxChanged, DeadlineExceeded, …). */
  pod(pod: Pod, type: EventType, reason: string, message: string): void;
  /** An event about one of its containers (`involvedObject.fieldPath` names it). */
  container(pod: Pod, containerName: string, type: EventType, reason: string, message: string): void;
}
