/**
 * Which fields a resource lets clients select on. Every resource supports `metadata.name` and
 * `metadata.namespace`; others (Pods' `spec.nodeName`, `status.phase`, …) are per resource.
 * An unsupported field is a 400 BadRequest with upstream's text: `field label not supported: X`.
 */
import { badRequest } from '../errors.js';
import type { FieldSelector, Fields } from './selector.js';

export const OBJECT_META_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/** Throws a 400 naming the first field of `selector` that is neither object metadata nor in `supported`. */
export function checkSelectableFields(selector: FieldSelector, supported: Iterable<string> = []): void {
  const allowed = new Set([...OBJECT_META_FIELDS, ...supported]);
  for (const r of selector.requirements()) {
    if (!allowed.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}

/**
 * The object-metadata fields of an object, to merge with a resource's own selectable fields:
 * `metadata.name`, and `metadata.namespace` for namespaced resources.
 */
export function objectMetaFields(
  meta: { name?: string; namespace?: string } | undefined,
  namespaced: boolean,
): Fields {
  const out: Record<string, string> = { 'metadata.name': meta?.name ?? '' };
  if (namespaced) out['metadata.namespace'] = meta?.namespace ?? '';
  return out;
}
