/**
 * What a kubelet event is about (upstream `ref.GetReference` and `kubecontainer.GenerateContainerRef`):
 * the pod, or one of its containers named by `fieldPath` — `spec.containers{name}`,
 * `spec.initContainers{name}` or `spec.ephemeralContainers{name}`.
 */
import type { ObjectReference, Pod } from 'kubernetes-types/core/v1.js';
import { referenceTo } from '../../client/record/event-recorder.js';

export function podReference(pod: Pod): ObjectReference {
  return { ...referenceTo(pod, 'v1', 'Pod'), namespace: pod.metadata?.namespace ?? 'default' };
}

/** The field path of a container of the pod; undefined when the pod has no container by that name. */
export function containerFieldPath(pod: Pod, name: string): string | undefined {
  const spec = pod.spec;
  if (spec?.containers?.some((c) => c.name === name)) return `spec.containers{${name}}`;
  if (spec?.initContainers?.some((c) => c.name === name)) return `spec.initContainers{${name}}`;
  if (spec?.ephemeralContainers?.some((c) => c.name === name)) return `spec.ephemeralContainers{${name}}`;
  return undefined;
}

export function containerReference(pod: Pod, name: string): ObjectReference {
  const fieldPath = containerFieldPath(pod, name);
  return { ...podReference(pod), ...(fieldPath ? { fieldPath } : {}) };
}
