/**
 * Labels and annotations the agent puts on CRI sandboxes and containers so that it finds its
 * pods again after a restart (upstream kuberuntime `labels.go`): identity in labels (filterable
 * by ListPodSandbox/ListContainers), everything else in annotations.
 */
import { createHash } from 'node:crypto';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Labels } from '../container/runtime.js';

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** `sandbox`/`container`: marks objects this agent manages. */
export const KUBERNETES_MANAGED_LABEL = 'io.kubernetes.managed-by';
export const MANAGED_BY = 'cairn';

export const POD_SPEC_HASH_ANNOTATION = 'io.cairn.pod.spec-hash';
export const POD_GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
export const CONTAINER_HASH_ANNOTATION = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const CONTAINER_TERMINATION_PATH_ANNOTATION = 'io.kubernetes.container.terminationMessagePath';
export const CONTAINER_TERMINATION_POLICY_ANNOTATION = 'io.kubernetes.container.terminationMessagePolicy';
/** `init`, `sidecar` or `regular`. */
export const CONTAINER_KIND_ANNOTATION = 'io.cairn.container.kind';

/** JSON with object keys sorted, so that equal specs hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const hashOf = (value: unknown): string =>
  createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);

/** A change of this hash restarts the container (resources are left out: resized in place later). */
export const containerHash = (container: Container): string => hashOf({ ...container, resources: undefined });

export const podLabels = (pod: Pod): Labels => ({
  ...(pod.metadata?.labels ?? {}),
  [POD_NAME_LABEL]: pod.metadata?.name ?? '',
  [POD_NAMESPACE_LABEL]: pod.metadata?.namespace ?? '',
  [POD_UID_LABEL]: pod.metadata?.uid ?? '',
  [KUBERNETES_MANAGED_LABEL]: MANAGED_BY,
});

export const containerLabels = (pod: Pod, container: Container): Labels => ({
  [POD_NAME_LABEL]: pod.metadata?.name ?? '',
  [POD_NAMESPACE_LABEL]: pod.metadata?.namespace ?? '',
  [POD_UID_LABEL]: pod.metadata?.uid ?? '',
  [CONTAINER_NAME_LABEL]: container.name,
  [KUBERNETES_MANAGED_LABEL]: MANAGED_BY,
});

export type ContainerKind = 'init' | 'sidecar' | 'regular';

export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

export function containerAnnotations(
  pod: Pod,
  container: Container,
  restartCount: number,
  kind: ContainerKind,
): Labels {
  return {
    [CONTAINER_HASH_ANNOTATION]: containerHash(container),
    [CONTAINER_RESTART_COUNT_ANNOTATION]: String(restartCount),
    [CONTAINER_TERMINATION_PATH_ANNOTATION]: container.terminationMessagePath ?? '/dev/termination-log',
    [CONTAINER_TERMINATION_POLICY_ANNOTATION]: container.terminationMessagePolicy ?? 'File',
    [CONTAINER_KIND_ANNOTATION]: kind,
    [POD_GRACE_ANNOTATION]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
}
