/** The Swagger 2.0 document served at `/openapi/v2`. */
import type { Definitions } from '../apimachinery/schema.js';
import type { ResourceType } from '../registry/resource.js';
import { kubernetesVersion } from './definitions.js';
import { operationTag } from './names.js';
import { groupVersionPaths, operationDefinitions, type Operation, type PathItem } from './operations.js';
import { PRETTY, type Parameter } from './parameters.js';
import { META_ROOTS, reachableDefinitions, withSharedKinds } from './reachable.js';

export type JsonObject = { [key: string]: unknown };

export interface OpenAPIV2Document {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  definitions: Definitions;
  securityDefinitions: JsonObject;
  security: JsonObject[];
}

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
export const OBJECT_CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];
export const WATCH_CONTENT_TYPES = [
  'application/json;stream=watch',
  'application/vnd.kubernetes.protobuf;stream=watch',
];
export const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

export const SECURITY_SCHEME = {
  BearerToken: {
    type: 'apiKey',
    name: 'authorization',
    in: 'header',
    description: 'A bearer token in the Authorization header.',
  },
};

const parameter = (p: Parameter): JsonObject => ({
  uniqueItems: true,
  type: p.type,
  description: p.description,
  name: p.name,
  in: p.in,
  ...(p.required ? { required: true } : {}),
});

function operation(o: Operation, tag: string): JsonObject {
  const params = o.query.map(parameter);
  if (o.body) {
    params.unshift({
      name: 'body',
      in: 'body',
      required: !!o.bodyRequired,
      schema: { $ref: `#/definitions/${o.body}` },
    });
  }
  const schema = o.response === 'string' ? { type: 'string' } : { $ref: `#/definitions/${o.response}` };
  const responses: JsonObject = {};
  for (const code of o.codes) responses[code] = { description: STATUS_TEXT[code] ?? 'OK', schema };
  responses['401'] = { description: 'Unauthorized' };
  const produces =
    o.response === 'string'
      ? ['*/*']
      : o.watchable
        ? [...OBJECT_CONTENT_TYPES, ...WATCH_CONTENT_TYPES]
        : OBJECT_CONTENT_TYPES;
  return {
    description: o.description,
    consumes: o.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'],
    produces,
    schemes: ['https'],
    tags: [tag],
    operationId: o.operationId,
    parameters: params,
    responses,
    ...(o.action ? { 'x-kubernetes-action': o.action } : {}),
    ...(o.gvk ? { 'x-kubernetes-group-version-kind': o.gvk } : {}),
  };
}

function pathItem(p: PathItem, tag: string): JsonObject {
  const item: JsonObject = {};
  for (const o of p.operations) item[o.method] = operation(o, tag);
  item['parameters'] = [...p.pathParams, PRETTY].map(parameter);
  return item;
}

/** The Swagger 2.0 document for `resources`, with the definitions it reaches. */
export function openapiV2(
  resources: ResourceType[],
  defs: Definitions,
  version: string = kubernetesVersion(),
): OpenAPIV2Document {
  const gvs = groupVersionPaths(resources);
  const paths: Record<string, JsonObject> = {};
  for (const gv of gvs) {
    for (const p of gv.paths) paths[p.path] = pathItem(p, operationTag(gv));
  }
  const roots = [...resources.map((r) => r.definition), ...operationDefinitions(gvs), ...META_ROOTS];
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths,
    definitions: withSharedKinds(reachableDefinitions(defs, roots), gvs),
    securityDefinitions: SECURITY_SCHEME,
    security: [{ BearerToken: [] }],
  };
}
