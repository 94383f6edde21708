/**
 * Tables of the simpler core kinds: Namespace (STATUS), ConfigMap (DATA), Secret (TYPE DATA),
 * ServiceAccount (SECRETS) and Endpoints (ENDPOINTS).
 */
import type { ConfigMap, Endpoints, Namespace, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

const age = (o: { metadata?: { creationTimestamp?: string } }, now: Date): string =>
  translateTimestampSince(o.metadata?.creationTimestamp, now);

export const namespaceTable: TableConvertor<Namespace> = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  cells: (ns, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns, now)],
};

export const configMapTable: TableConvertor<ConfigMap> = {
  columns: [nameColumn, column('Data', 'string', 'Data contains the configuration data.'), ageColumn],
  cells: (cm, now) => [
    cm.metadata?.name ?? '',
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    age(cm, now),
  ],
};

export const secretTable: TableConvertor<Secret> = {
  columns: [
    nameColumn,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Data contains the secret data.'),
    ageColumn,
  ],
  cells: (s, now) => [s.metadata?.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, age(s, now)],
};

export const serviceAccountTable: TableConvertor<ServiceAccount> = {
  columns: [
    nameColumn,
    column(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    ageColumn,
  ],
  cells: (sa, now) => [sa.metadata?.name ?? '', (sa.secrets ?? []).length, age(sa, now)],
};

const joinHostPort = (ip: string, port: number): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

/** Up to three `ip:port` endpoints, then `+ N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (!ports.length) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip ?? '');
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip ?? '', port.port ?? 0));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsTable: TableConvertor<Endpoints> = {
  columns: [
    nameColumn,
    column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
    ageColumn,
  ],
  cells: (ep, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep, now)],
};
