/**
 * The shape of the API type schemas (OpenAPI v2 "definitions"), as generated from the
 * `kubernetes-types` declarations. Machinery that needs to know the structure of an object
 * (strategic merge patch, strict field validation, OpenAPI documents) reads these.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  /** `#/definitions/<name>` */
  $ref?: string;
  'x-kubernetes-patch-merge-key'?: string;
  /** `merge`, `retainKeys`, `merge,retainKeys` or `replace`. */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
}

/** Definition name (`io.k8s.api.core.v1.Pod`) → schema. */
export type Definitions = Record<string, Schema>;

export const refName = (ref: string): string => ref.replace(/^#\/(definitions|components\/schemas)\//, '');

/** Follows `$ref`s until a schema with a body is reached. */
export function resolveSchema(defs: Definitions, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 16; i++) s = defs[refName(s.$ref)];
  return s;
}
