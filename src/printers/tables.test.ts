import type { Endpoints, Event, Node, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { fromCoreEvent } from '../apis/events/v1/conversion.js';
import { leaseTable } from './coordination.js';
import {
  configMapTable,
  endpointsTable,
  formatEndpoints,
  namespaceTable,
  secretTable,
  serviceAccountTable,
} from './core.js';
import { eventsV1Table, eventTable } from './event.js';
import { nodeTable } from './node.js';
import { podDisruptionBudgetTable } from './policy.js';
import { serviceTable } from './service.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = { creationTimestamp: '2024-04-29T12:00:00Z' };

describe('node table', () => {
  const node = (
    ready: string | undefined,
    unschedulable = false,
    labels: Record<string, string> = {},
  ): Node => ({
    metadata: { name: 'n1', labels, ...created },
    spec: { unschedulable },
    status: {
      conditions: ready ? [{ type: 'Ready', status: ready }] : [],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      nodeInfo: {
        kubeletVersion: 'v1.30.0',
        osImage: 'Debian GNU/Linux 12',
        kernelVersion: '6.1.0',
        containerRuntimeVersion: 'containerd://1.7.0',
        architecture: 'amd64',
        bootID: '',
        kubeProxyVersion: '',
        machineID: '',
        operatingSystem: 'linux',
        systemUUID: '',
      },
    },
  });
  it.each<[string, Node, string]>([
    ['ready', node('True'), 'Ready'],
    ['not ready', node('False'), 'NotReady'],
    ['unknown', node(undefined), 'Unknown'],
    ['cordoned', node('True', true), 'Ready,SchedulingDisabled'],
  ])('%s', (_n, n, status) => {
    expect(nodeTable.cells(n, now)[1]).toBe(status);
  });
  it('prints roles and wide columns', () => {
    const n = node('True', false, {
      'node-role.kubernetes.io/control-plane': '',
      'kubernetes.io/role': 'worker',
    });
    expect(nodeTable.cells(n, now)).toEqual([
      'n1',
      'Ready',
      'control-plane,worker',
      '2d',
      'v1.30.0',
      '10.0.0.1',
      '<none>',
      'Debian GNU/Linux 12',
      '6.1.0',
      'containerd://1.7.0',
    ]);
    expect(nodeTable.columns.map((c) => c.name)).toEqual([
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
      'Internal-IP',
      'External-IP',
      'OS-Image',
      'Kernel-Version',
      'Container-Runtime',
    ]);
  });
});

describe('service table', () => {
  const svc = (spec: Service['spec'], status?: Service['status']): Service => ({
    metadata: { name: 's', ...created },
    spec,
    status,
  });
  it.each<[string, Service, unknown[]]>([
    [
      'cluster IP',
      svc({
        type: 'ClusterIP',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        selector: { k8s: 'dns', app: 'x' },
      }),
      ['s', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '2d', 'app=x,k8s=dns'],
    ],
    [
      'node port',
      svc({
        type: 'NodePort',
        clusterIPs: ['10.96.1.1'],
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
      ['s', 'NodePort', '10.96.1.1', '<none>', '80:30080/TCP', '2d', '<none>'],
    ],
    [
      'pending load balancer',
      svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }),
      ['s', 'LoadBalancer', '<none>', '<pending>', '80:31000/TCP', '2d', '<none>'],
    ],
    [
      'load balancer',
      svc(
        { type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
      ),
      ['s', 'LoadBalancer', '10.96.1.2', '203.0.113.9', '<none>', '2d', '<none>'],
    ],
    [
      'external name',
      svc({ type: 'ExternalName', externalName: 'db.example.com' }),
      ['s', 'ExternalName', '<none>', 'db.example.com', '<none>', '2d', '<none>'],
    ],
  ])('%s', (_n, s, cells) => {
    expect(serviceTable.cells(s, now)).toEqual(cells);
  });
});

describe('endpoints', () => {
  it('lists up to three endpoints', () => {
    const ep: Endpoints = {
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] },
        { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] },
      ],
    };
    expect(formatEndpoints(ep)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...');
    expect(formatEndpoints({ subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] })).toBe(
      '[fd00::1]:80',
    );
    expect(endpointsTable.cells({ metadata: { name: 'e', ...created } }, now)).toEqual(['e', '<none>', '2d']);
  });
});

describe('event table', () => {
  const ev: Event = {
    metadata: { name: 'p.17c', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Container image "nginx" already present on machine\n',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 3,
  };
  it('prints core events', () => {
    expect(eventTable.cells(ev, now)).toEqual([
      '2m',
      'Normal',
      'Pulled',
      'pod/p',
      'spec.containers{app}',
      'kubelet, node-1',
      'Container image "nginx" already present on machine',
      '10m',
      3,
      'p.17c',
    ]);
  });
  it('prints events.k8s.io events through the core form', () => {
    const v1 = fromCoreEvent({
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node', name: 'n1' },
      reason: 'Starting',
      type: 'Normal',
      eventTime: '2024-05-01T11:59:00.000000Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
      series: { count: 4, lastObservedTime: '2024-05-01T11:59:30.000000Z' },
    });
    expect(eventsV1Table.cells(v1, now)).toEqual([
      '30s',
      'Normal',
      'Starting',
      'node/n1',
      '',
      'kubelet, n1',
      '',
      '60s',
      4,
      'e',
    ]);
  });
});

describe('simple tables', () => {
  it('prints namespaces, config maps, secrets, service accounts, leases and PDBs', () => {
    expect(
      namespaceTable.cells({ metadata: { name: 'default', ...created }, status: { phase: 'Active' } }, now),
    ).toEqual(['default', 'Active', '2d']);
    expect(
      configMapTable.cells(
        { metadata: { name: 'cm', ...created }, data: { a: '1' }, binaryData: { b: 'AA==' } },
        now,
      ),
    ).toEqual(['cm', 2, '2d']);
    expect(
      secretTable.cells({ metadata: { name: 's', ...created }, type: 'Opaque', data: { a: 'MQ==' } }, now),
    ).toEqual(['s', 'Opaque', 1, '2d']);
    expect(serviceAccountTable.cells({ metadata: { name: 'default', ...created } }, now)).toEqual([
      'default',
      0,
      '2d',
    ]);
    expect(
      leaseTable.cells({ metadata: { name: 'l', ...created }, spec: { holderIdentity: 'node-1' } }, now),
    ).toEqual(['l', 'node-1', '2d']);
    expect(
      podDisruptionBudgetTable.cells(
        {
          metadata: { name: 'pdb', ...created },
          spec: { minAvailable: '50%' },
          status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
        },
        now,
      ),
    ).toEqual(['pdb', '50%', 'N/A', 1, '2d']);
    expect(podDisruptionBudgetTable.columns.map((c) => c.name)).toEqual([
      'Name',
      'Min Available',
      'Max Unavailable',
      'Allowed Disruptions',
      'Age',
    ]);
  });
});
