/**
 * OpenAPI v3: the discovery root served at `/openapi/v3` and one OpenAPI 3.0 document per group
 * version at `/openapi/v3/<api/v1 | apis/group/version>`. kubectl reads these for `explain`, for
 * strategic-merge-patch metadata, and to decide whether the server validates fields: it looks for a
 * PATCH operation of the kind carrying a `fieldValidation` query parameter.
 */
import type { Definitions, Schema } from '../apimachinery/schema.js';
import type { ResourceType } from '../registry/resource.js';
import { kubernetesVersion, loadDefinitions } from './definitions.js';
import { serializeDocument, type SerializedDocument } from './etag.js';
import { operationTag } from './names.js';
import {
  groupVersionPaths,
  operationDefinitions,
  type GroupVersionPaths,
  type Operation,
} from './operations.js';
import { PRETTY, type Parameter } from './parameters.js';
import { META_ROOTS, reachableDefinitions, withSharedKinds } from './reachable.js';
import {
  OBJECT_CONTENT_TYPES,
  PATCH_CONTENT_TYPES,
  SECURITY_SCHEME,
  STATUS_TEXT,
  WATCH_CONTENT_TYPES,
  type JsonObject,
} from './v2.js';

/** A schema as OpenAPI v3 writes it: refs under `#/components/schemas/`, and `allOf` around refs with siblings. */
export type V3Schema = Omit<Schema, 'properties' | 'items' | 'additionalProperties'> & {
  allOf?: V3Schema[];
  oneOf?: V3Schema[];
  properties?: Record<string, V3Schema>;
  items?: V3Schema;
  additionalProperties?: V3Schema | boolean;
};

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  components: { schemas: Record<string, V3Schema>; securitySchemes: JsonObject };
  security: JsonObject[];
}

export interface OpenAPIV3Root {
  paths: Record<string, { serverRelativeURL: string }>;
}

const componentRef = (ref: string): string => ref.replace(/^#\/definitions\//, '#/components/schemas/');

/**
 * Converts a v2 schema; a property's `$ref` with a description beside it goes into `allOf`, and
 * int-or-string and quantity values become a `oneOf` of their JSON types, as upstream's v3 has them.
 */
export function toV3Schema(schema: Schema, isProperty = false): V3Schema {
  const { properties, items, additionalProperties, $ref, ...rest } = schema;
  const out: V3Schema = { ...rest };
  if (schema['x-kubernetes-int-or-string'] || schema.format === 'quantity') {
    delete out.type;
    out.oneOf =
      schema.format === 'quantity'
        ? [{ type: 'string' }, { type: 'number' }]
        : [{ type: 'integer' }, { type: 'string' }];
  }
  if ($ref) {
    if (isProperty && Object.keys(rest).length > 0) out.allOf = [{ $ref: componentRef($ref) }];
    else out.$ref = componentRef($ref);
  }
  if (properties) {
    out.properties = {};
    for (const [name, prop] of Object.entries(properties)) out.properties[name] = toV3Schema(prop, true);
  }
  if (items) out.items = toV3Schema(items);
  if (additionalProperties !== undefined) {
    out.additionalProperties =
      typeof additionalProperties === 'boolean' ? additionalProperties : toV3Schema(additionalProperties);
  }
  return out;
}

const parameter = (p: Parameter): JsonObject => ({
  name: p.name,
  in: p.in,
  description: p.description,
  ...(p.required ? { required: true } : {}),
  schema: { type: p.type, uniqueItems: true },
});

const content = (types: string[], schema: JsonObject): JsonObject =>
  Object.fromEntries(types.map((t) => [t, { schema }]));

function operation(o: Operation, tag: string): JsonObject {
  const out: JsonObject = { tags: [tag], description: o.description, operationId: o.operationId };
  if (o.query.length) out['parameters'] = o.query.map(parameter);
  if (o.body) {
    const types = o.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'];
    out['requestBody'] = {
      content: content(types, { $ref: `#/components/schemas/${o.body}` }),
      ...(o.bodyRequired ? { required: true } : {}),
    };
  }
  const text = o.response === 'string';
  const schema = text ? { type: 'string' } : { $ref: `#/components/schemas/${o.response}` };
  const types = text
    ? ['*/*']
    : o.watchable
      ? [...OBJECT_CONTENT_TYPES, ...WATCH_CONTENT_TYPES]
      : OBJECT_CONTENT_TYPES;
  const responses: JsonObject = {};
  for (const code of o.codes)
    responses[code] = { description: STATUS_TEXT[code] ?? 'OK', content: content(types, schema) };
  responses['401'] = { description: 'Unauthorized' };
  out['responses'] = responses;
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = o.gvk;
  return out;
}

const normalizeKey = (gvPath: string): string =>
  gvPath.replace(/^\/+|\/+$/g, '').replace(/^openapi\/v3\//, '');

function buildDocument(
  resources: ResourceType[],
  defs: Definitions,
  gv: GroupVersionPaths,
  version: string,
): OpenAPIV3Document {
  const paths: Record<string, JsonObject> = {};
  const tag = operationTag(gv);
  for (const p of gv.paths) {
    const item: JsonObject = {};
    for (const o of p.operations) item[o.method] = operation(o, tag);
    item['parameters'] = [...p.pathParams, PRETTY].map(parameter);
    paths[p.path] = item;
  }
  const served = resources.filter((r) => r.group === gv.group && r.version === gv.version);
  const roots = [...served.map((r) => r.definition), ...operationDefinitions([gv]), ...META_ROOTS];
  const schemas: Record<string, V3Schema> = {};
  for (const [name, schema] of Object.entries(withSharedKinds(reachableDefinitions(defs, roots), [gv]))) {
    schemas[name] = toV3Schema(schema);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEME },
    security: [{ BearerToken: [] }],
  };
}

/** The OpenAPI 3.0 document of one group version (`api/v1`, `apis/policy/v1`), or undefined if not served. */
export function openapiV3GroupVersion(
  resources: ResourceType[],
  defs: Definitions,
  gvPath: string,
  version: string = kubernetesVersion(),
): OpenAPIV3Document | undefined {
  const key = normalizeKey(gvPath);
  const gv = groupVersionPaths(resources).find((g) => g.key === key);
  return gv && buildDocument(resources, defs, gv, version);
}

const serialized = new WeakMap<ResourceType[], WeakMap<Definitions, Map<string, SerializedDocument>>>();

/**
 * The serialized document of a group version with its hash, memoized per (resources, defs) pair:
 * pass the same arrays on each request so that the bytes served match the hash in the root.
 */
export function serializedV3GroupVersion(
  resources: ResourceType[],
  defs: Definitions,
  gvPath: string,
): SerializedDocument | undefined {
  let byDefs = serialized.get(resources);
  if (!byDefs) serialized.set(resources, (byDefs = new WeakMap()));
  let byKey = byDefs.get(defs);
  if (!byKey) byDefs.set(defs, (byKey = new Map()));
  const key = normalizeKey(gvPath);
  let doc = byKey.get(key);
  if (!doc) {
    const built = openapiV3GroupVersion(resources, defs, key);
    if (!built) return undefined;
    byKey.set(key, (doc = serializeDocument(built)));
  }
  return doc;
}

/** `GET /openapi/v3`: where each group version's document is, its URL pinned by hash. */
export function openapiV3Root(
  resources: ResourceType[],
  defs: Definitions = loadDefinitions(),
): OpenAPIV3Root {
  const paths: OpenAPIV3Root['paths'] = {};
  for (const gv of groupVersionPaths(resources)) {
    const doc = serializedV3GroupVersion(resources, defs, gv.key);
    if (doc) paths[gv.key] = { serverRelativeURL: `/openapi/v3/${gv.key}?hash=${doc.hash}` };
  }
  return { paths };
}
