/**
 * What the workload controllers share about pods and owners (upstream's pkg/controller
 * controller_utils.go and podutil): active / ready / available pods, controller references,
 * object keys, and the pod a template stands for.
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import { deepCopy } from '../../apis/meta/equality.js';
import { nameIsDNSSubdomain } from '../../apis/meta/validation.js';
import type { KubeObject } from '../../registry/resource.js';

/** `namespace/name`, the work queue key of an object. */
export const keyOf = (obj: KubeObject): string =>
  `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export function splitKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The ownerReference with `controller: true`, if any. */
export const controllerRefOf = (meta: ObjectMeta | undefined): OwnerReference | undefined =>
  (meta?.ownerReferences ?? []).find((r) => r.controller === true);

/** The reference a controller puts on what it creates or adopts. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** FilterActivePods: not finished and not being deleted. */
export const isPodActive = (pod: Pod): boolean =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata?.deletionTimestamp;

export const isPodTerminating = (pod: Pod): boolean => !!pod.metadata?.deletionTimestamp;

const readyCondition = (pod: Pod) => (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');

export const isPodReady = (pod: Pod): boolean => readyCondition(pod)?.status === 'True';

/** When the pod last became ready (epoch ms), or undefined when it is not ready. */
export function podReadySince(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** IsPodAvailable: ready for at least minReadySeconds at `now`. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const since = podReadySince(pod);
  if (since === undefined) return false;
  if (minReadySeconds <= 0) return true;
  return since > 0 && since + minReadySeconds * 1000 <= now.getTime();
}

/** The prefix of generated pod names: `<owner>-`, or the owner's name when that is no valid prefix. */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return nameIsDNSSubdomain(prefix, true).length ? ownerName : prefix;
}

/** GetPodFromTemplate: a pod (not yet named) with the template's metadata and spec. */
export function podFromTemplate(template: PodTemplateSpec | undefined, ref: OwnerReference): Pod {
  const tm = template?.metadata ?? {};
  const metadata: ObjectMeta = { ownerReferences: [ref] };
  if (tm.labels) metadata.labels = { ...tm.labels };
  if (tm.annotations) metadata.annotations = { ...tm.annotations };
  if (tm.finalizers) metadata.finalizers = [...tm.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: deepCopy(template?.spec ?? { containers: [] }) };
}

/** Whether every label of `subset` is in `labels` (fully labeled pods). */
export const hasLabels = (
  labels: Record<string, string> | undefined,
  subset: Record<string, string> | undefined,
) => Object.entries(subset ?? {}).every(([k, v]) => labels?.[k] === v);
