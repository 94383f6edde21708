/**
 * Where the agent's pods come from (upstream `pkg/kubelet/config` and `kubetypes`): the API
 * source (pods bound to this node) and the file source (static pods from the manifest dir).
 * Static pods carry `kubernetes.io/config.source: file`; their copies on the API server, the
 * mirror pods, carry `kubernetes.io/config.mirror: <hash>` and are never run: they come back
 * from the API source and go to the mirror client instead of the pod lifecycle.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodLifecycle } from '../lifecycle.js';

export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const FILE_SOURCE = 'file';
export const API_SOURCE = 'api';

export const isMirrorPod = (pod: Pod): boolean =>
  pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;

/** A pod that did not come from the API server (upstream `IsStaticPod`). */
export const isStaticPod = (pod: Pod): boolean => {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== API_SOURCE;
};

/** The static pod's content hash (also its uid); a mirror's records the static pod it mirrors. */
export const podHash = (pod: Pod): string | undefined =>
  pod.metadata?.annotations?.[isMirrorPod(pod) ? CONFIG_MIRROR_ANNOTATION : CONFIG_HASH_ANNOTATION];

export type PodUpdates = Pick<PodLifecycle, 'update' | 'remove'>;

/** What the mirror client needs to hear from the API source. */
export interface MirrorPodObserver {
  observeMirror(pod: Pod): void;
  forgetMirror(pod: Pod): void;
}

/** The API source's updates: mirror pods to the mirror client, every other pod to the lifecycle. */
export function apiSourceUpdates(lifecycle: PodUpdates, mirrors: MirrorPodObserver): PodUpdates {
  return {
    update: (pod) => (isMirrorPod(pod) ? mirrors.observeMirror(pod) : lifecycle.update(pod)),
    remove: (pod) => (isMirrorPod(pod) ? mirrors.forgetMirror(pod) : lifecycle.remove(pod)),
  };
}

/** One source's updates sent to several consumers (the file source: the lifecycle and the mirrors). */
export function fanOut(...targets: PodUpdates[]): PodUpdates {
  return {
    update: (pod) => targets.forEach((t) => t.update(pod)),
    remove: (pod) => targets.forEach((t) => t.remove(pod)),
  };
}
