/**
 * Defaulting for the core kinds other than Pod: SetDefaults_Service, _Endpoints, _Namespace,
 * _NamespaceStatus, _NodeStatus, _Secret, plus the v1 conversion rules visible on the wire
 * (`stringData` folds into `data`, `podCIDR` ↔ `podCIDRs`) and the struct-valued Event fields
 * upstream always serializes.
 */
import type {
  Endpoints,
  Event,
  Namespace,
  Node,
  NodeStatus,
  Secret,
  Service,
  ServiceSpec,
} from 'kubernetes-types/core/v1.js';
import type { Mutable } from '../../../registry/resource.js';
import { setDefaultsResourceList } from './resource-list.js';

export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

/** LoadBalancer and NodePort services, and ClusterIP ones with external IPs. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0)
  );
}

export function setDefaultsService(svc: Service): void {
  const spec: ServiceSpec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (
    spec.sessionAffinity === 'ClientIP' &&
    spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined
  ) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
  }
  spec.type ||= 'ClusterIP';
  for (const port of spec.ports ?? []) {
    port.protocol ||= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
      port.targetPort = port.port;
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ingress of svc.status?.loadBalancer?.ingress ?? []) if (ingress.ip) ingress.ipMode ??= 'VIP';
  }
}

export function setDefaultsEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
}

export function setDefaultsNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (name) {
    const meta = (ns.metadata ??= {});
    meta.labels = { ...meta.labels, [LABEL_METADATA_NAME]: name };
  }
  const status = (ns.status ??= {});
  status.phase ||= 'Active';
}

export function setDefaultsNode(node: Node): void {
  const spec = node.spec;
  if (spec) {
    if (!spec.podCIDRs?.length && spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
    if (spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
  }
  const status: Mutable<NodeStatus> | undefined = node.status;
  if (!status) return;
  setDefaultsResourceList(status.capacity);
  setDefaultsResourceList(status.allocatable);
  if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
}

/** `type` Opaque; `stringData` entries are written into `data` (base64) and not stored. */
export function setDefaultsSecret(secret: Secret): void {
  secret.type ||= 'Opaque';
  if (secret.stringData) {
    const data = (secret.data ??= {});
    for (const [k, v] of Object.entries(secret.stringData))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete secret.stringData;
  }
}

/** core/v1 Event: the struct-valued fields and plain strings upstream always writes out. */
export function setDefaultsEvent(event: Event): void {
  event.involvedObject ??= {};
  event.source ??= {};
  event.reportingComponent ??= '';
  event.reportingInstance ??= '';
}
