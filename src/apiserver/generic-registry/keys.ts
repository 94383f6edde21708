/**
 * Storage keys: `/registry/<group or core>/<plural>/<namespace>/<name>` for namespaced
 * resources, `/registry/<group or core>/<plural>/<name>` for cluster-scoped ones.
 */
import type { ResourceType } from '../../registry/resource.js';

export const resourcePrefix = (r: Pick<ResourceType, 'group' | 'plural' | 'storedAs'>): string => {
  const s = r.storedAs ?? r;
  return `/registry/${s.group || 'core'}/${s.plural}/`;
};

/** The prefix holding every object of `r` in `namespace` (all namespaces when empty). */
export const collectionPrefix = (r: ResourceType, namespace: string): string =>
  r.namespaced && namespace ? `${resourcePrefix(r)}${namespace}/` : resourcePrefix(r);

export const objectKey = (r: ResourceType, namespace: string, name: string): string =>
  r.namespaced ? `${resourcePrefix(r)}${namespace}/${name}` : `${resourcePrefix(r)}${name}`;
