/**
 * The REST operations served for a set of resources, independent of the OpenAPI version that
 * renders them: collection list/create/deletecollection, item get/put/patch/delete, all-namespace
 * list, and the known subresources. `v2.ts` and `v3.ts` turn these into documents.
 */
import type { GroupVersionKind } from '../apimachinery/schema.js';
import type { ResourceType } from '../registry/resource.js';
import { groupIdentifier, groupVersionPath, META } from './names.js';
import {
  LIST_PARAMS,
  LOG_PARAMS,
  CONNECT_PARAMS,
  DELETE_PARAMS,
  WRITE_PARAMS,
  PATCH_PARAMS,
} from './parameters.js';
import type { Parameter } from './parameters.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Action = 'list' | 'post' | 'get' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface Operation {
  method: Method;
  operationId: string;
  description: string;
  /** Absent on the group version's discovery operation. */
  action?: Action;
  gvk?: GroupVersionKind;
  query: Parameter[];
  /** Definition name of the request body. */
  body?: string;
  bodyRequired?: boolean;
  /** Definition name of the response, or `string` for text (logs, streams). */
  response: string;
  /** Success status codes. */
  codes: string[];
  /** Whether the response can also be a watch stream. */
  watchable?: boolean;
}

export interface PathItem {
  path: string;
  /** Path parameters, in URL order. */
  pathParams: Parameter[];
  operations: Operation[];
}

export interface GroupVersionPaths {
  group: string;
  version: string;
  /** `api/v1`, `apis/policy/v1`. */
  key: string;
  paths: PathItem[];
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const NAMESPACE: Parameter = {
  name: 'namespace',
  in: 'path',
  type: 'string',
  required: true,
  description: 'Namespace the objects live in.',
};
const nameParam = (kind: string): Parameter => ({
  name: 'name',
  in: 'path',
  type: 'string',
  required: true,
  description: `Name of the ${kind}.`,
});

const defOf = (r: ResourceType, kind: string): string => r.definition.replace(/[^.]+$/, kind);

interface SubresourceShape {
  ops: Array<{ method: Method; verb: string; action: Action; query: Parameter[]; body?: boolean }>;
  /** Definition and kind served; absent: the resource's own. */
  definition?: string;
  gvk?: GroupVersionKind;
  response?: string;
}

const readWrite: SubresourceShape['ops'] = [
  { method: 'get', verb: 'read', action: 'get', query: [] },
  { method: 'put', verb: 'replace', action: 'put', query: WRITE_PARAMS, body: true },
  { method: 'patch', verb: 'patch', action: 'patch', query: PATCH_PARAMS, body: true },
];
const createOnly: SubresourceShape['ops'] = [
  { method: 'post', verb: 'create', action: 'post', query: WRITE_PARAMS, body: true },
];
const connect = (query: Parameter[]): SubresourceShape['ops'] => [
  { method: 'get', verb: 'connectGet', action: 'connect', query },
  { method: 'post', verb: 'connectPost', action: 'connect', query },
];

function subresourceShape(r: ResourceType, sub: string): SubresourceShape | undefined {
  const own = { group: r.group, version: r.version };
  switch (sub) {
    case 'status':
    case 'ephemeralcontainers':
    case 'resize':
      return { ops: readWrite };
    case 'scale':
      return {
        ops: readWrite,
        definition: 'io.k8s.api.autoscaling.v1.Scale',
        gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      };
    case 'binding':
      return { ops: createOnly, definition: defOf(r, 'Binding'), gvk: { ...own, kind: 'Binding' } };
    case 'eviction':
      return {
        ops: createOnly,
        definition: 'io.k8s.api.policy.v1.Eviction',
        gvk: { group: 'policy', version: 'v1', kind: 'Eviction' },
      };
    case 'token':
      return {
        ops: createOnly,
        definition: 'io.k8s.api.authentication.v1.TokenRequest',
        gvk: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
      };
    case 'log':
      return { ops: [{ method: 'get', verb: 'read', action: 'get', query: LOG_PARAMS }], response: 'string' };
    case 'exec':
    case 'attach':
    case 'portforward':
    case 'proxy': {
      const kind = `${r.kind}${sub === 'portforward' ? 'PortForward' : cap(sub)}Options`;
      return { ops: connect(CONNECT_PARAMS[sub] ?? []), gvk: { ...own, kind }, response: 'string' };
    }
    default:
      return undefined;
  }
}

function resourcePaths(r: ResourceType): PathItem[] {
  const gv = `${groupIdentifier(r.group)}${cap(r.version)}`;
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = `/${groupVersionPath(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  const scopeParams = r.namespaced ? [NAMESPACE] : [];
  const list = `${r.definition}List`;
  const op = (o: Omit<Operation, 'gvk'> & { gvk?: GroupVersionKind }): Operation => ({ gvk, ...o });
  const paths: PathItem[] = [
    {
      path: base,
      pathParams: scopeParams,
      operations: [
        op({
          method: 'get',
          operationId: `list${gv}${scope}${r.kind}`,
          description: `List or watch ${r.kind} objects.`,
          action: 'list',
          query: LIST_PARAMS,
          response: list,
          codes: ['200'],
          watchable: true,
        }),
        op({
          method: 'post',
          operationId: `create${gv}${scope}${r.kind}`,
          description: `Create a ${r.kind}.`,
          action: 'post',
          query: WRITE_PARAMS,
          body: r.definition,
          bodyRequired: true,
          response: r.definition,
          codes: ['200', '201', '202'],
        }),
        op({
          method: 'delete',
          operationId: `delete${gv}Collection${scope}${r.kind}`,
          description: `Delete a collection of ${r.kind} objects.`,
          action: 'deletecollection',
          query: [
            ...DELETE_PARAMS,
            ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'),
          ],
          body: `${META}.DeleteOptions`,
          response: `${META}.Status`,
          codes: ['200'],
        }),
      ],
    },
    {
      path: `${base}/{name}`,
      pathParams: [nameParam(r.kind), ...scopeParams],
      operations: [
        op({
          method: 'get',
          operationId: `read${gv}${scope}${r.kind}`,
          description: `Read the named ${r.kind}.`,
          action: 'get',
          query: [],
          response: r.definition,
          codes: ['200'],
        }),
        op({
          method: 'put',
          operationId: `replace${gv}${scope}${r.kind}`,
          description: `Replace the named ${r.kind}.`,
          action: 'put',
          query: WRITE_PARAMS,
          body: r.definition,
          bodyRequired: true,
          response: r.definition,
          codes: ['200', '201'],
        }),
        op({
          method: 'patch',
          operationId: `patch${gv}${scope}${r.kind}`,
          description: `Partially update the named ${r.kind}.`,
          action: 'patch',
          query: PATCH_PARAMS,
          body: `${META}.Patch`,
          bodyRequired: true,
          response: r.definition,
          codes: ['200', '201'],
        }),
        op({
          method: 'delete',
          operationId: `delete${gv}${scope}${r.kind}`,
          description: `Delete the named ${r.kind}.`,
          action: 'delete',
          query: DELETE_PARAMS,
          body: `${META}.DeleteOptions`,
          response: `${META}.Status`,
          codes: ['200', '202'],
        }),
      ],
    },
  ];
  if (r.namespaced) {
    paths.push({
      path: `/${groupVersionPath(r)}/${r.plural}`,
      pathParams: [],
      operations: [
        op({
          method: 'get',
          operationId: `list${gv}${r.kind}ForAllNamespaces`,
          description: `List or watch ${r.kind} objects across all namespaces.`,
          action: 'list',
          query: LIST_PARAMS,
          response: list,
          codes: ['200'],
          watchable: true,
        }),
      ],
    });
  }
  for (const sub of r.subresources) {
    const shape = subresourceShape(r, sub);
    if (!shape) continue;
    const definition = shape.definition ?? r.definition;
    const suffix = sub === 'portforward' ? 'Portforward' : cap(sub);
    paths.push({
      path: `${base}/{name}/${sub}`,
      pathParams: [nameParam(r.kind), ...scopeParams],
      operations: shape.ops.map((o) => {
        const verb = o.verb.startsWith('connect') ? `connect${gv}${cap(o.verb.slice(7))}` : `${o.verb}${gv}`;
        return op({
          method: o.method,
          operationId: `${verb}${scope}${r.kind}${suffix}`,
          description: `${cap(o.verb.replace(/^connect(Get|Post)$/, 'connect to'))} the ${sub} of the named ${r.kind}.`,
          action: o.action,
          gvk: shape.gvk ?? gvk,
          query: o.query,
          ...(o.body
            ? { body: o.method === 'patch' ? `${META}.Patch` : definition, bodyRequired: true }
            : {}),
          response: shape.response ?? definition,
          codes: o.method === 'get' ? ['200'] : o.method === 'post' ? ['200', '201', '202'] : ['200', '201'],
        });
      }),
    });
  }
  return paths;
}

/** `GET /api/v1/`: the resources of the group version. */
function discovery(gv: { group: string; version: string }): PathItem {
  return {
    path: `/${groupVersionPath(gv)}/`,
    pathParams: [],
    operations: [
      {
        method: 'get',
        operationId: `get${groupIdentifier(gv.group)}${cap(gv.version)}APIResources`,
        description: 'List the resources the group version serves.',
        query: [],
        response: `${META}.APIResourceList`,
        codes: ['200'],
      },
    ],
  };
}

/** The operations served per group version, in a stable order (by group version, then path). */
export function groupVersionPaths(resources: ResourceType[]): GroupVersionPaths[] {
  const byGV = new Map<string, GroupVersionPaths>();
  for (const r of resources) {
    const key = groupVersionPath(r);
    let entry = byGV.get(key);
    if (!entry) byGV.set(key, (entry = { group: r.group, version: r.version, key, paths: [discovery(r)] }));
    entry.paths.push(...resourcePaths(r));
  }
  const sorted = [...byGV.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const gv of sorted) gv.paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted;
}

/** Definition names the operations of `gvs` mention (bodies and responses). */
export function operationDefinitions(gvs: GroupVersionPaths[]): string[] {
  const names = new Set<string>();
  for (const gv of gvs)
    for (const p of gv.paths)
      for (const o of p.operations) {
        if (o.body) names.add(o.body);
        if (o.response !== 'string') names.add(o.response);
      }
  return [...names];
}
