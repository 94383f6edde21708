/**
 * Services (upstream's pkg/registry/core/service): status starts empty; cluster IPs, IP families
 * and node ports allocated earlier carry over when an update omits them; `clusterIP` and
 * `clusterIPs` are kept in step. (Allocating new cluster IPs and node ports is not done here.)
 */
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import { setDefaultsService } from '../../../apis/core/v1/defaults-objects.js';
import { validateService } from '../../../apis/core/validation/service.js';
import {
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from '../../../apis/core/validation/service-update.js';
import { semanticEqual } from '../../../apis/meta/equality.js';
import { isIPv6, parsesAsIP } from '../../../apimachinery/validation/names.js';
import { serviceTable } from '../../../printers/service.js';
import type { Mutable, ResourceType, Strategy } from '../../resource.js';
import { keepField } from '../../keep.js';

const needsClusterIP = (s: ServiceSpec | undefined): boolean => s?.type !== 'ExternalName';
const needsNodePort = (s: ServiceSpec | undefined): boolean =>
  s?.type === 'NodePort' || (s?.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckPort = (s: ServiceSpec | undefined): boolean =>
  s?.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/** clusterIP ↔ clusterIPs, for clients that set only the singular field. */
function normalizeClusterIPs(spec: ServiceSpec, old: ServiceSpec | undefined): void {
  if (!old) {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const sameIPs = semanticEqual(spec.clusterIPs, old.clusterIPs);
  if (old.clusterIPs?.length && !spec.clusterIPs?.length && old.clusterIP === spec.clusterIP)
    spec.clusterIPs = old.clusterIPs;
  if ((old.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    if (old.clusterIP && !spec.clusterIP) {
      if (sameIPs) delete spec.clusterIPs;
    } else if (sameIPs && spec.clusterIP) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
}

/** IP family fields the allocator fills on create (single-stack, IPv4 unless the IP says otherwise). */
function initIPFamilies(spec: ServiceSpec): void {
  if (!needsClusterIP(spec)) return;
  // Headless services without a selector take every family the cluster has (only IPv4 here).
  const headlessNoSelector = spec.clusterIP === 'None' && !Object.keys(spec.selector ?? {}).length;
  spec.ipFamilyPolicy ??= headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
  if (!spec.ipFamilies?.length) {
    const ip = spec.clusterIPs?.[0];
    spec.ipFamilies = [ip && parsesAsIP(ip) && isIPv6(ip) ? 'IPv6' : 'IPv4'];
  }
}

function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs?.length && old.clusterIPs?.length) spec.clusterIPs = [...old.clusterIPs];
    if (!spec.ipFamilies?.length && old.ipFamilies?.length) spec.ipFamilies = [...old.ipFamilies];
    if (spec.ipFamilyPolicy === undefined && old.ipFamilyPolicy) spec.ipFamilyPolicy = old.ipFamilyPolicy;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n) => n));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
    for (const p of spec.ports ?? []) {
      const prev = byName.get(p.name ?? '');
      if (!p.nodePort && prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (
    needsHealthCheckPort(old) &&
    needsHealthCheckPort(spec) &&
    !spec.healthCheckNodePort &&
    old.healthCheckNodePort
  ) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

export const serviceStrategy: Strategy<Service> = {
  defaults: setDefaultsService,
  prepareForCreate(svc) {
    (svc as Mutable<Service>).status = { loadBalancer: {} };
    const spec = (svc.spec ??= {});
    normalizeClusterIPs(spec, undefined);
    initIPFamilies(spec);
  },
  prepareForUpdate(svc, old) {
    keepField(svc, old, 'status');
    const spec = (svc.spec ??= {});
    if (old.spec) patchAllocatedValues(spec, old.spec);
    normalizeClusterIPs(spec, old.spec);
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  prepareForStatusUpdate(svc, old) {
    keepField(svc, old, 'spec');
  },
  validateStatusUpdate: validateServiceStatusUpdate,
  table: serviceTable,
};

export const services: ResourceType<Service> = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  definition: 'io.k8s.api.core.v1.Service',
  strategy: serviceStrategy,
};
