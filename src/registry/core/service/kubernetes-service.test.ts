import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../../apiserver/testing/test-server.js';
import { bootstrapKubernetesService } from './kubernetes-service.js';

const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Table {
  columnDefinitions: { name: string }[];
  rows: { cells: unknown[] }[];
}

describe('services over HTTP', () => {
  it('bootstraps the kubernetes Service and shows CLUSTER-IP in kubectl tables', async () => {
    server = await startTestServer();
    const result = await bootstrapKubernetesService(server.api, { address: '192.0.2.10', port: 6443 });
    expect(result.endpointsSkipped).toBeUndefined();
    // Idempotent: a second start changes nothing; a new port is corrected.
    await bootstrapKubernetesService(server.api, { address: '192.0.2.10', port: 6443 });
    await bootstrapKubernetesService(server.api, { address: '192.0.2.10', port: 7443 });

    const created = await server.request('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'myservice' },
      spec: { selector: { app: 'myservice' }, ports: [{ name: '80-80', port: 80, targetPort: 80 }] },
    });
    expect(created.status).toBe(201);
    const ip = (created.json.spec as { clusterIP: string }).clusterIP;
    expect(ip).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);

    const res = await server.request('GET', '/api/v1/namespaces/default/services', undefined, TABLE);
    expect(res.status).toBe(200);
    const table = res.json as unknown as Table;
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Type',
      'Cluster-IP',
      'External-IP',
      'Port(s)',
    ]);
    const rows = table.rows.map((r) => r.cells.slice(0, 5));
    expect(rows).toEqual([
      ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
      ['myservice', 'ClusterIP', ip, '<none>', '80/TCP'],
    ]);

    const ep = await server.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
    expect(ep.json.subsets).toEqual([
      { addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] },
    ]);
    const slices = await server.request(
      'GET',
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes',
      undefined,
      TABLE,
    );
    expect((slices.json as unknown as Table).rows[0]?.cells.slice(0, 4)).toEqual([
      'kubernetes',
      'IPv4',
      '7443',
      '192.0.2.10',
    ]);
    const svc = await server.request('GET', '/api/v1/namespaces/default/services/kubernetes');
    expect((svc.json.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 7443 },
    ]);
  });

  it('answers 422 for a cluster IP already allocated', async () => {
    server = await startTestServer();
    await bootstrapKubernetesService(server.api, { address: '192.0.2.10', port: 6443 });
    const res = await server.request('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'thief' },
      spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }] },
    });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe(
      'Service "thief" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: ' +
        'failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
  });

  it('skips endpoints for an address pods cannot reach', async () => {
    server = await startTestServer();
    const result = await bootstrapKubernetesService(server.api, { address: '127.0.0.1', port: 6443 });
    expect(result.endpointsSkipped).toContain('127.0.0.1');
    expect(result.service.spec?.clusterIP).toBe('10.96.0.1');
  });
});
