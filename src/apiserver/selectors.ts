/** Builds the object filter of a list/watch from its labelSelector and fieldSelector. */
import { checkSelectableFields, parseFieldSelector } from '../apimachinery/fields/index.js';
import { parseLabelSelector } from '../apimachinery/labels/index.js';
import type { KubeObject, ResourceType } from '../registry/resource.js';
import type { Filter } from './generic-registry/store.js';

export function objectFields(r: ResourceType, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (r.namespaced) fields['metadata.namespace'] = obj.metadata?.namespace ?? '';
  return { ...fields, ...r.strategy.selectableFields?.(obj) };
}

/** The filter for `?labelSelector=…&fieldSelector=…` (and a URL name), or undefined for none. */
export function filterFromQuery(r: ResourceType, q: URLSearchParams, name = ''): Filter | undefined {
  const ls = q.get('labelSelector') ?? '';
  const fs = q.get('fieldSelector') ?? '';
  if (!ls && !fs && !name) return undefined;
  const labels = ls ? parseLabelSelector(ls) : undefined;
  const fields = fs ? parseFieldSelector(fs) : undefined;
  if (fields) checkSelectableFields(fields, Object.keys(objectFields(r, {})));
  return (obj) => {
    if (name && obj.metadata?.name !== name) return false;
    if (labels && !labels.matches(obj.metadata?.labels ?? {})) return false;
    if (fields && !fields.matches(objectFields(r, obj))) return false;
    return true;
  };
}
