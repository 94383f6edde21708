/**
 * The strategic-merge-patch and list/map semantics upstream declares on its Go types (struct tags
 * `patchStrategy`/`patchMergeKey` and the `+listType`/`+listMapKey`/`+mapType`/`+structType`
 * markers). `kubernetes-types` drops them, so the generator merges them back in from this table.
 */
import type { Schema } from '../apimachinery/schema.js';

interface FieldMeta {
  /** Patch merge key; implies `patchStrategy: merge` unless `strategy` says otherwise. */
  merge?: string;
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  /** List-map keys; implies `listType: map`. */
  keys?: string[];
  list?: 'atomic' | 'set' | 'map';
  map?: 'atomic' | 'granular';
}

const byName = (key: string): FieldMeta => ({ merge: key, keys: [key] });
const byType = byName('type');
const atomic: FieldMeta = { list: 'atomic' };
const mergedSet: FieldMeta = { strategy: 'merge', list: 'set' };

const containerFields: Record<string, FieldMeta> = {
  ports: { merge: 'containerPort', keys: ['containerPort', 'protocol'] },
  env: byName('name'),
  envFrom: atomic,
  volumeMounts: byName('mountPath'),
  volumeDevices: byName('devicePath'),
  command: atomic,
  args: atomic,
  resizePolicy: atomic,
};

/** Short definition name (the `io.k8s.api.` / meta prefix left off) → property → metadata. */
const FIELDS: Record<string, Record<string, FieldMeta>> = {
  'meta.v1.ObjectMeta': { finalizers: mergedSet, ownerReferences: byName('uid'), managedFields: atomic },
  'meta.v1.LabelSelector': { matchExpressions: atomic },
  'meta.v1.LabelSelectorRequirement': { values: atomic },
  'core.v1.PodSpec': {
    volumes: { ...byName('name'), strategy: 'merge,retainKeys' },
    initContainers: byName('name'),
    containers: byName('name'),
    ephemeralContainers: byName('name'),
    imagePullSecrets: byName('name'),
    hostAliases: byName('ip'),
    topologySpreadConstraints: { merge: 'topologyKey', keys: ['topologyKey', 'whenUnsatisfiable'] },
    tolerations: atomic,
    readinessGates: atomic,
    resourceClaims: { ...byName('name'), strategy: 'merge,retainKeys' },
    schedulingGates: byName('name'),
    nodeSelector: { map: 'atomic' },
  },
  'core.v1.Container': containerFields,
  'core.v1.EphemeralContainer': containerFields,
  'core.v1.PodStatus': {
    conditions: byType,
    podIPs: byName('ip'),
    hostIPs: { merge: 'ip', list: 'atomic' },
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...byName('name'), strategy: 'merge,retainKeys' },
  },
  'core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'core.v1.Capabilities': { add: atomic, drop: atomic },
  'core.v1.PodDNSConfig': { nameservers: atomic, searches: atomic, options: atomic },
  'core.v1.HostAlias': { hostnames: atomic },
  'core.v1.ResourceRequirements': { claims: { keys: ['name'] } },
  'core.v1.ExecAction': { command: atomic },
  'core.v1.HTTPGetAction': { httpHeaders: atomic },
  'core.v1.NodeSelector': { nodeSelectorTerms: atomic },
  'core.v1.NodeSelectorTerm': { matchExpressions: atomic, matchFields: atomic },
  'core.v1.NodeSelectorRequirement': { values: atomic },
  'core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAffinityTerm': { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  'core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'core.v1.ProjectedVolumeSource': { sources: atomic },
  'core.v1.ConfigMapVolumeSource': { items: atomic },
  'core.v1.SecretVolumeSource': { items: atomic },
  'core.v1.DownwardAPIVolumeSource': { items: atomic },
  'core.v1.ConfigMapProjection': { items: atomic },
  'core.v1.SecretProjection': { items: atomic },
  'core.v1.DownwardAPIProjection': { items: atomic },
  'core.v1.NodeSpec': { podCIDRs: mergedSet, taints: atomic },
  'core.v1.NodeStatus': {
    conditions: byType,
    addresses: byType,
    volumesAttached: atomic,
    volumesInUse: atomic,
    images: atomic,
  },
  'core.v1.ServiceSpec': {
    ports: { merge: 'port', keys: ['port', 'protocol'] },
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
    selector: { map: 'atomic' },
  },
  'core.v1.ServiceStatus': { conditions: byType },
  'core.v1.LoadBalancerStatus': { ingress: atomic },
  'core.v1.LoadBalancerIngress': { ports: atomic },
  'core.v1.Endpoints': { subsets: atomic },
  'core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'core.v1.NamespaceSpec': { finalizers: atomic },
  'core.v1.NamespaceStatus': { conditions: byType },
  'core.v1.PersistentVolumeClaimSpec': { accessModes: atomic },
  'core.v1.PersistentVolumeClaimStatus': { conditions: byType, accessModes: atomic },
  'core.v1.ReplicationControllerStatus': { conditions: byType },
  'core.v1.ComponentStatus': { conditions: byType },
  'core.v1.ServiceAccount': { secrets: { merge: 'name' }, imagePullSecrets: atomic },
  'core.v1.LimitRangeSpec': { limits: atomic },
  'policy.v1.PodDisruptionBudgetSpec': { selector: { strategy: 'replace' } },
  'policy.v1.PodDisruptionBudgetStatus': { conditions: byType },
  'apps.v1.DeploymentStatus': { conditions: byType },
  'apps.v1.ReplicaSetStatus': { conditions: byType },
  'apps.v1.DaemonSetStatus': { conditions: byType },
  'apps.v1.StatefulSetStatus': { conditions: byType },
  'apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'batch.v1.JobStatus': { conditions: { merge: 'type', list: 'atomic' } },
  'batch.v1.CronJobStatus': { active: atomic },
  'discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'discovery.v1.Endpoint': { addresses: { list: 'set' } },
};

/** Definitions upstream marks `+structType=atomic`: replaced as a whole by server-side apply. */
const ATOMIC_STRUCTS = [
  'meta.v1.LabelSelector',
  'core.v1.LocalObjectReference',
  'core.v1.ObjectReference',
  'core.v1.TypedLocalObjectReference',
  'core.v1.SecretReference',
  'core.v1.ConfigMapKeySelector',
  'core.v1.SecretKeySelector',
  'core.v1.ObjectFieldSelector',
  'core.v1.ResourceFieldSelector',
  'core.v1.ConfigMapEnvSource',
  'core.v1.SecretEnvSource',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.TopologySelectorTerm',
];

const fullName = (short: string): string =>
  short.startsWith('meta.') ? `io.k8s.apimachinery.pkg.apis.${short}` : `io.k8s.api.${short}`;

function extensionsOf(meta: FieldMeta): Partial<Schema> {
  const out: Partial<Schema> = {};
  const strategy = meta.strategy ?? (meta.merge ? 'merge' : undefined);
  if (meta.keys) {
    out['x-kubernetes-list-map-keys'] = meta.keys;
    out['x-kubernetes-list-type'] = 'map';
  }
  if (meta.list) out['x-kubernetes-list-type'] = meta.list;
  if (meta.map) out['x-kubernetes-map-type'] = meta.map;
  if (meta.merge) out['x-kubernetes-patch-merge-key'] = meta.merge;
  if (strategy) out['x-kubernetes-patch-strategy'] = strategy;
  return out;
}

/** Adds the table's extensions to the generated definitions, in place. */
export function applyPatchMetadata(defs: Record<string, Schema>): void {
  for (const [short, fields] of Object.entries(FIELDS)) {
    const props = defs[fullName(short)]?.properties;
    if (!props) continue;
    for (const [field, meta] of Object.entries(fields)) {
      const prop = props[field];
      if (prop) Object.assign(prop, extensionsOf(meta));
    }
  }
  for (const short of ATOMIC_STRUCTS) {
    const def = defs[fullName(short)];
    if (def) def['x-kubernetes-map-type'] = 'atomic';
  }
}
