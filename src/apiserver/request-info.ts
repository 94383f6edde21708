/**
 * Turns a request path and method into what it asks for (upstream's RequestInfo):
 * `/api/v1/namespaces/default/pods/web/status` → { group '', version v1, namespace default,
 * resource pods, name web, subresource status, verb get|update|patch }.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  verb: Verb;
}

/** Subresources of namespaces that stay on the namespace (not a resource inside it). */
const namespaceSubresources = new Set(['status', 'finalize']);

export function parseResourcePath(
  path: string,
  method: string,
  watchParam: boolean,
): ResourceRequest | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let watch = watchParam;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1] ?? '';
    if (rest.length > 2 && !namespaceSubresources.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  if (!resource || extra.length) return undefined;
  // `namespaces/<name>` names the namespace itself, not a namespace scope.
  if (resource === 'namespaces') namespace = '';
  const verb = verbFor(method, name !== '', watch);
  if (!verb) return undefined;
  return { group, version, namespace, resource, name, subresource, verb };
}

function verbFor(method: string, named: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
