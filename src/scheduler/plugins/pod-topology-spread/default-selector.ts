/**
 * The selector default spreading uses for a pod (upstream's helper.DefaultSelector): the
 * selectors of every Service in the pod's namespace that selects it, merged with the selector
 * of the pod's controlling ReplicationController, ReplicaSet or StatefulSet. An empty result
 * means the pod belongs to nothing, and no default constraints apply.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

import {
  type LabelSelector,
  type LabelSelectorRequirement,
  type Selector,
  selectorFromLabelSelector,
  selectorFromSet,
} from '../../../apimachinery/labels/index.js';
import type { ClusterLister } from '../../framework/interface.js';

const CONTROLLER_KINDS: Readonly<Record<string, 'map' | 'selector'>> = {
  'v1/ReplicationController': 'map',
  'apps/v1/ReplicaSet': 'selector',
  'apps/v1/StatefulSet': 'selector',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isString = (v: unknown): v is string => typeof v === 'string';

const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

function isRequirement(v: unknown): v is LabelSelectorRequirement {
  return (
    isRecord(v) &&
    typeof v.key === 'string' &&
    typeof v.operator === 'string' &&
    (v.values === undefined || v.values === null || (Array.isArray(v.values) && v.values.every(isString)))
  );
}

/** A controller's `spec.selector` as a LabelSelector, or undefined when it has another shape. */
function asLabelSelector(v: unknown): LabelSelector | undefined {
  if (!isRecord(v)) return undefined;
  const { matchLabels, matchExpressions } = v;
  if (matchLabels !== undefined && matchLabels !== null && !isStringMap(matchLabels)) return undefined;
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions) || !matchExpressions.every(isRequirement)) return undefined;
  }
  return v as LabelSelector;
}

export function defaultSelector(pod: Pod, lister: ClusterLister): Selector {
  const namespace = pod.metadata?.namespace ?? '';
  const podLabels = pod.metadata?.labels;
  let labelSet: Record<string, string> = {};
  for (const svc of lister.services(namespace)) {
    const sel = svc.spec?.selector;
    // A Service without a selector selects nothing, not everything.
    if (sel === undefined || sel === null) continue;
    if (selectorFromSet(sel).matches(podLabels)) labelSet = { ...labelSet, ...sel };
  }
  let selector = selectorFromSet(labelSet);

  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!owner) return selector;
  const shape = CONTROLLER_KINDS[`${owner.apiVersion}/${owner.kind}`];
  if (!shape) return selector;
  const found = lister.controllerSelector(namespace, owner.kind, owner.name);
  if (found === undefined) return selector;

  if (shape === 'map') {
    if (isStringMap(found)) selector = selectorFromSet({ ...labelSet, ...found });
    return selector;
  }
  const ls = asLabelSelector(found);
  if (!ls) return selector;
  try {
    return selector.add(...selectorFromLabelSelector(ls).requirements());
  } catch {
    // An invalid controller selector adds nothing (upstream ignores the conversion error).
    return selector;
  }
}
