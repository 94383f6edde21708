import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  computePodResourceRequest,
  defaultMemoryRequest,
  getHostPorts,
  hostPortKey,
  newNodeInfo,
  podResourceRequest,
} from './node-info.js';

const c = (requests?: Record<string, string>, extra: Partial<Container> = {}): Container => ({
  name: 'c',
  image: 'busybox',
  ...(requests ? { resources: { requests } } : {}),
  ...extra,
});
const pod = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [], ...spec },
});
const sidecar = (requests: Record<string, string>): Container => c(requests, { restartPolicy: 'Always' });
const Mi = 1024 * 1024;

describe('computePodResourceRequest', () => {
  const cases: { name: string; pod: Pod; cpu: number; memory: number; scalar?: Record<string, number> }[] = [
    {
      name: 'sums regular containers',
      pod: pod({ containers: [c({ cpu: '1', memory: '1Gi' }), c({ cpu: '500m', memory: '512Mi' })] }),
      cpu: 1500,
      memory: 1536 * Mi,
    },
    {
      name: 'init containers take the max with the sum (upstream example)',
      pod: pod({
        initContainers: [c({ cpu: '2', memory: '1G' }), c({ cpu: '2', memory: '3G' })],
        containers: [c({ cpu: '2', memory: '1G' }), c({ cpu: '1', memory: '1G' })],
      }),
      cpu: 3000,
      memory: 3e9,
    },
    {
      name: 'sidecars add to the containers and to later init containers',
      pod: pod({
        initContainers: [c({ cpu: '1' }), sidecar({ cpu: '1' }), c({ cpu: '2' })],
        containers: [c({ cpu: '500m' })],
      }),
      // max(0.5 + 1, 1, 1 (sidecars so far), 2 + 1) = 3
      cpu: 3000,
      memory: 0,
    },
    {
      name: 'a sidecar after the init containers only adds to the sum',
      pod: pod({
        initContainers: [c({ cpu: '2' }), sidecar({ cpu: '1' })],
        containers: [c({ cpu: '1500m' })],
      }),
      cpu: 2500,
      memory: 0,
    },
    {
      name: 'overhead is added after the max',
      pod: pod({ containers: [c({ cpu: '100m' })], overhead: { cpu: '250m', memory: '64Mi' } }),
      cpu: 350,
      memory: 64 * Mi,
    },
    {
      name: 'extended and hugepages resources are scalars',
      pod: pod({ containers: [c({ 'example.com/gpu': '2', 'hugepages-2Mi': '4Mi' })] }),
      cpu: 0,
      memory: 0,
      scalar: { 'example.com/gpu': 2, 'hugepages-2Mi': 4 * Mi },
    },
  ];
  it.each(cases)('$name', ({ pod: p, cpu, memory, scalar }) => {
    const r = computePodResourceRequest(p);
    expect(r.milliCPU).toBe(cpu);
    expect(r.memory).toBe(memory);
    expect(r.scalar).toEqual(scalar ?? {});
  });

  it('rounds the exact sum up once (two 0.5m requests are 1m)', () => {
    expect(
      computePodResourceRequest(pod({ containers: [c({ cpu: '0.5m' }), c({ cpu: '0.5m' })] })).milliCPU,
    ).toBe(1);
  });
});

describe('podResourceRequest (non-zero)', () => {
  it('counts 100m / 200Mi for containers without requests, but keeps explicit zeros', () => {
    const p = pod({ containers: [c(), c({ cpu: '0', memory: '0' }), c({ cpu: '1' })] });
    expect(podResourceRequest(p, 'cpu', { nonZero: true })).toBe(1100);
    expect(podResourceRequest(p, 'memory', { nonZero: true })).toBe(2 * defaultMemoryRequest);
    expect(podResourceRequest(p, 'cpu')).toBe(1000);
  });
});

describe('newNodeInfo', () => {
  const node = {
    metadata: { name: 'n1' },
    status: {
      allocatable: {
        cpu: '3500m',
        memory: '2Gi',
        'ephemeral-storage': '10Gi',
        pods: '20',
        'example.com/gpu': '4',
      },
      images: [{ names: ['nginx:1.25', 'docker.io/library/nginx:1.25'], sizeBytes: 70 * Mi }],
    },
  };

  it('reads allocatable, images and accumulates pods', () => {
    const pods = [
      pod({
        containers: [
          c({ cpu: '1', 'example.com/gpu': '1' }, { ports: [{ containerPort: 80, hostPort: 8080 }] }),
        ],
      }),
      pod({ containers: [c()] }),
    ];
    const info = newNodeInfo(node, pods);
    expect(info.allocatable).toEqual({
      milliCPU: 3500,
      memory: 2048 * Mi,
      ephemeralStorage: 10240 * Mi,
      allowedPodNumber: 20,
      scalar: { 'example.com/gpu': 4 },
    });
    expect(info.pods).toHaveLength(2);
    expect(info.requested.milliCPU).toBe(1000);
    expect(info.requested.memory).toBe(0);
    expect(info.requested.scalar).toEqual({ 'example.com/gpu': 1 });
    expect(info.nonZeroRequested.milliCPU).toBe(1100);
    expect(info.nonZeroRequested.memory).toBe(2 * defaultMemoryRequest);
    expect([...info.usedPorts]).toEqual(['TCP/0.0.0.0/8080']);
    expect(info.imageSizes.get('docker.io/library/nginx:1.25')).toBe(70 * Mi);
    expect(info.imageSizes.get('nginx:1.25')).toBe(70 * Mi);
  });

  it('host ports come from containers and sidecars, not from plain init containers', () => {
    const p = pod({
      initContainers: [
        c(undefined, { ports: [{ containerPort: 1, hostPort: 1001 }] }),
        c(undefined, {
          restartPolicy: 'Always',
          ports: [{ containerPort: 2, hostPort: 1002, protocol: 'UDP' }],
        }),
      ],
      containers: [
        c(undefined, {
          ports: [{ containerPort: 3, hostPort: 1003, hostIP: '10.0.0.1' }, { containerPort: 4 }],
        }),
      ],
    });
    expect(getHostPorts(p).map(hostPortKey)).toEqual(['UDP/0.0.0.0/1002', 'TCP/10.0.0.1/1003']);
  });
});
