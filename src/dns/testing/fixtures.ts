/** Cluster objects for the DNS tests: a ClusterIP Service, a headless one with pods, an ExternalName. */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RecordsCache, SERVICE_NAME_LABEL } from '../records.js';

export const web: Service = {
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    clusterIP: '10.96.0.20',
    clusterIPs: ['10.96.0.20'],
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  },
};

export const db: Service = {
  metadata: { name: 'db', namespace: 'prod' },
  spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
};

export const external: Service = {
  metadata: { name: 'ext', namespace: 'default' },
  spec: { type: 'ExternalName', externalName: 'example.org' },
};

export const dbSlice: EndpointSlice = {
  metadata: { name: 'db-abcde', namespace: 'prod', labels: { [SERVICE_NAME_LABEL]: 'db' } },
  addressType: 'IPv4',
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  endpoints: [
    { addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.244.0.6'], conditions: { ready: true } },
    { addresses: ['10.244.0.7'], hostname: 'db-2', conditions: { ready: false } },
  ],
};

export const pod: Pod = {
  metadata: { name: 'p', namespace: 'default' },
  status: { podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] },
};

export function fixtureRecords(): RecordsCache {
  const r = new RecordsCache();
  for (const s of [web, db, external]) r.setService(s);
  r.setEndpointSlice(dbSlice);
  r.setPod(pod);
  return r;
}
