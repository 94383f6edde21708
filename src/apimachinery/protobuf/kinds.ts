/**
 * Which protobuf message a body's `apiVersion`/`kind` names: the group's upstream package
 * (`apps/v1` → `k8s.io.api.apps.v1`), or `meta.k8s.io/v1` for the option types every group
 * version also registers (`v1` `DeleteOptions` is `k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions`).
 */
import { messageEntry } from './schema.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta';

/** API group → upstream protobuf package (without the version). */
const GROUP_PACKAGES: Readonly<Record<string, string>> = {
  '': 'k8s.io.api.core',
  'admissionregistration.k8s.io': 'k8s.io.api.admissionregistration',
  apps: 'k8s.io.api.apps',
  'authentication.k8s.io': 'k8s.io.api.authentication',
  'authorization.k8s.io': 'k8s.io.api.authorization',
  autoscaling: 'k8s.io.api.autoscaling',
  batch: 'k8s.io.api.batch',
  'certificates.k8s.io': 'k8s.io.api.certificates',
  'coordination.k8s.io': 'k8s.io.api.coordination',
  'discovery.k8s.io': 'k8s.io.api.discovery',
  'events.k8s.io': 'k8s.io.api.events',
  'flowcontrol.apiserver.k8s.io': 'k8s.io.api.flowcontrol',
  'networking.k8s.io': 'k8s.io.api.networking',
  'node.k8s.io': 'k8s.io.api.node',
  policy: 'k8s.io.api.policy',
  'rbac.authorization.k8s.io': 'k8s.io.api.rbac',
  'resource.k8s.io': 'k8s.io.api.resource',
  'scheduling.k8s.io': 'k8s.io.api.scheduling',
  'storage.k8s.io': 'k8s.io.api.storage',
  'meta.k8s.io': META,
};

/** The meta/v1 kinds registered in every group version (`metav1.AddToGroupVersion`). */
const META_KINDS = new Set([
  'DeleteOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'GetOptions',
  'ListOptions',
  'WatchEvent',
  'Status',
]);

/** The full name of the message for `apiVersion`/`kind`, if the schema table has it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (!/^v\d+((alpha|beta)\d+)?$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const pkg = Object.hasOwn(GROUP_PACKAGES, group) ? GROUP_PACKAGES[group] : undefined;
  const candidates = [pkg && `${pkg}.${version}.${kind}`, META_KINDS.has(kind) && `${META}.v1.${kind}`];
  return candidates.find((name): name is string => !!name && messageEntry(name) !== undefined);
}
