/**
 * StatefulSet pod identity (upstream's stateful_set_utils.go): pods are `<set>-<ordinal>`, carry
 * the `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
 * `controller-revision-hash` labels, and take their hostname from their name and their subdomain
 * from `spec.serviceName`.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { newControllerRef, podFromTemplate } from '../replicaset/controller-utils.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const ORDINAL_RE = /^(.*)-([0-9]+)$/;

/** The set a pod's name says it belongs to, and its ordinal (-1 when the name has none). */
export function parentAndOrdinal(pod: Pod): [parent: string, ordinal: number] {
  const m = ORDINAL_RE.exec(pod.metadata?.name ?? '');
  if (!m) return ['', -1];
  const ord = Number(m[2]);
  return Number.isSafeInteger(ord) ? [m[1] ?? '', ord] : ['', -1];
}

export const ordinalOf = (pod: Pod): number => parentAndOrdinal(pod)[1];

export const podRevision = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

/** newVersionedStatefulSetPod: the pod for `ordinal` at `revision`. */
export function newStatefulSetPod(sts: StatefulSet, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(sts.spec?.template, newControllerRef(sts, 'apps/v1', 'StatefulSet'));
  const name = `${sts.metadata?.name ?? ''}-${ordinal}`;
  const meta = (pod.metadata ??= {});
  meta.name = name;
  meta.labels = {
    ...(meta.labels ?? {}),
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
    [REVISION_LABEL]: revision,
  };
  const spec = (pod.spec ??= { containers: [] });
  spec.hostname = name;
  if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
  return pod;
}
