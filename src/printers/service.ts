/**
 * The Service table: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, and (wide) SELECTOR.
 */
import type { LoadBalancerStatus, Service } from 'kubernetes-types/core/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, formatLabels, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

const LOAD_BALANCER_WIDTH = 16;

function loadBalancerStatus(s: LoadBalancerStatus | undefined, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of s?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > LOAD_BALANCER_WIDTH ? `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : r;
}

/** EXTERNAL-IP: external IPs, load-balancer ingress (`<pending>` until there is one), or the CNAME. */
export function serviceExternalIP(svc: Service, wide = true): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc.status?.loadBalancer, wide);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: Service): string {
  const pieces = (svc.spec?.ports ?? []).map((p) =>
    p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`,
  );
  return pieces.join(',') || '<none>';
}

export const serviceTable: TableConvertor<Service> = {
  columns: [
    nameColumn,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column(
      'Cluster-IP',
      'string',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
    ),
    column(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      1,
    ),
  ],
  cells: (svc, now) => [
    svc.metadata?.name ?? '',
    svc.spec?.type ?? '',
    svc.spec?.clusterIPs?.[0] ?? '<none>',
    serviceExternalIP(svc),
    servicePorts(svc),
    translateTimestampSince(svc.metadata?.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ],
};
