import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { generatePodSandboxConfig, podDNSConfig } from './sandbox-config.js';

const host = 'nameserver 192.168.0.1\nsearch corp.example\noptions edns0\n';
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] }], ...spec },
});
const cluster = { nameservers: ['10.96.0.10'], domain: 'cluster.local' };

describe('podDNSConfig', () => {
  it.each([
    [
      'ClusterFirst with cluster DNS',
      pod(),
      cluster,
      {
        servers: ['10.96.0.10'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
        options: ['ndots:5'],
      },
    ],
    [
      'ClusterFirst without cluster DNS: the host',
      pod(),
      undefined,
      { servers: ['192.168.0.1'], searches: ['corp.example'], options: ['edns0'] },
    ],
    [
      'Default: the host',
      pod({ dnsPolicy: 'Default' }),
      cluster,
      { servers: ['192.168.0.1'], searches: ['corp.example'], options: ['edns0'] },
    ],
    [
      'hostNetwork + ClusterFirst: the host',
      pod({ hostNetwork: true }),
      cluster,
      { servers: ['192.168.0.1'], searches: ['corp.example'], options: ['edns0'] },
    ],
    [
      'None + dnsConfig',
      pod({
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }] },
      }),
      cluster,
      { servers: ['1.1.1.1'], searches: ['a.b'], options: ['ndots:2'] },
    ],
  ])('%s', (_n, p, dns, expected) => {
    expect(podDNSConfig(p, host, dns)).toEqual(expected);
  });
});

describe('generatePodSandboxConfig', () => {
  it('metadata, hostname, log dir, ports, namespaces, labels', () => {
    const config = generatePodSandboxConfig({
      pod: pod({ shareProcessNamespace: true }),
      attempt: 2,
      rootDir: '/var/lib/cairn/kubelet',
      hostResolvConf: host,
      clusterDNS: cluster,
      cgroupParent: '/kubepods/besteffort/podu1',
    });
    expect(config).toMatchObject({
      metadata: { name: 'web', namespace: 'shop', uid: 'u1', attempt: 2 },
      hostname: 'web',
      log_directory: '/var/lib/cairn/kubelet/logs/shop_web_u1',
      port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' }],
      labels: {
        app: 'web',
        'io.kubernetes.pod.name': 'web',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.pod.uid': 'u1',
      },
      linux: {
        cgroup_parent: '/kubepods/besteffort/podu1',
        security_context: {
          namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' },
          privileged: false,
        },
      },
    });
    expect(config.annotations?.['io.cairn.pod.spec-hash']).toMatch(/^[0-9a-f]{16}$/);
  });
});
