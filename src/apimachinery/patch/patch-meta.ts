/**
 * What the schema says about patching one field: its patch strategy
 * (`x-kubernetes-patch-strategy`: `merge`, `replace`, optionally with `retainKeys`) and merge
 * key (`x-kubernetes-patch-merge-key`), and the schemas of its value and list items. A field
 * the schema does not describe has no strategy (lists replace, maps merge) and no schema below.
 */
import { type Definitions, type Schema, resolveSchema } from '../schema.js';

export interface FieldPatchMeta {
  /** `merge` (lists merge by key or as sets), `replace` (maps replace whole), or '' (lists replace). */
  strategy: '' | 'merge' | 'replace';
  retainKeys: boolean;
  mergeKey: string;
  /** The field's value schema, `$ref`s resolved. */
  schema: Schema | undefined;
  /** For lists: the item schema, `$ref`s resolved. */
  items: Schema | undefined;
}

const NONE: FieldPatchMeta = {
  strategy: '',
  retainKeys: false,
  mergeKey: '',
  schema: undefined,
  items: undefined,
};

/** The patch metadata of `key` in an object described by `parent` (resolved or not). */
export function fieldPatchMeta(parent: Schema | undefined, key: string, defs: Definitions): FieldPatchMeta {
  const owner = resolveSchema(defs, parent);
  if (!owner) return NONE;
  const extra = owner.additionalProperties;
  const prop = owner.properties && Object.hasOwn(owner.properties, key) ? owner.properties[key] : undefined;
  const field = prop ?? (typeof extra === 'object' ? extra : undefined);
  if (!field) return NONE;
  const schema = resolveSchema(defs, field);
  const strategies = (field['x-kubernetes-patch-strategy'] ?? schema?.['x-kubernetes-patch-strategy'] ?? '')
    .split(',')
    .map((s) => s.trim());
  return {
    strategy: strategies.includes('merge') ? 'merge' : strategies.includes('replace') ? 'replace' : '',
    retainKeys: strategies.includes('retainKeys'),
    mergeKey: field['x-kubernetes-patch-merge-key'] ?? schema?.['x-kubernetes-patch-merge-key'] ?? '',
    schema,
    items: resolveSchema(defs, schema?.items),
  };
}
