/**
 * How the `kubernetes-types` declaration files map onto upstream's OpenAPI definition names and
 * API groups: `core/v1.d.ts` holds `io.k8s.api.core.v1.*` in the legacy group, `policy/v1.d.ts`
 * holds `io.k8s.api.policy.v1.*` in the `policy` group, and so on.
 */

/** Declaration files (relative, without `.d.ts`) whose Go packages live outside `k8s.io/api`. */
const PACKAGE_PREFIXES: Record<string, string> = {
  'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
  version: 'io.k8s.apimachinery.pkg.version',
  'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
};

/** Directory names whose API group is not simply `<dir>.k8s.io`. */
const GROUP_NAMES: Record<string, string> = {
  core: '',
  meta: '',
  apps: 'apps',
  autoscaling: 'autoscaling',
  batch: 'batch',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  flowcontrol: 'flowcontrol.apiserver.k8s.io',
  apiserverinternal: 'internal.apiserver.k8s.io',
};

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** `core/v1` → `io.k8s.api.core.v1`. */
export function packagePrefix(module: string): string {
  return PACKAGE_PREFIXES[module] ?? `io.k8s.api.${module.replace(/\//g, '.')}`;
}

/** `coordination/v1` → `coordination.k8s.io`; `core/v1` → `''`. */
export function groupOfModule(module: string): string {
  const dir = module.split('/')[0] ?? module;
  return GROUP_NAMES[dir] ?? `${dir}.k8s.io`;
}

/** `v1` → `{group: '', version: 'v1'}`; `policy/v1` → `{group: 'policy', version: 'v1'}`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The URL prefix of a group version: `api/v1`, `apis/policy/v1` (no leading slash). */
export const groupVersionPath = (gv: { group: string; version: string }): string =>
  gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;

/** Upstream's camel-cased group used in operation ids: `rbac.authorization.k8s.io` → `RbacAuthorization`. */
export function groupIdentifier(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Operation tag: `core_v1`, `rbacAuthorization_v1`. */
export function operationTag(gv: { group: string; version: string }): string {
  const id = groupIdentifier(gv.group);
  return `${id.charAt(0).toLowerCase()}${id.slice(1)}_${gv.version}`;
}
