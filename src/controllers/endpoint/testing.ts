/** Pods and Services for the endpoint controllers' tests. */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';

export interface PodFixture {
  name: string;
  ip?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  terminating?: boolean;
  phase?: string;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containerPort?: number;
}

export function testPod(f: PodFixture): Pod {
  return {
    metadata: {
      name: f.name,
      namespace: 'default',
      uid: `uid-${f.name}`,
      labels: f.labels ?? { app: 'web' },
      ...(f.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: [
        { name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: f.containerPort ?? 8080 }] },
      ],
      ...(f.nodeName ? { nodeName: f.nodeName } : {}),
      ...(f.hostname ? { hostname: f.hostname } : {}),
      ...(f.subdomain ? { subdomain: f.subdomain } : {}),
    },
    status: {
      phase: f.phase ?? 'Running',
      ...(f.ip ? { podIP: f.ip, podIPs: [{ ip: f.ip }] } : {}),
      conditions: [{ type: 'Ready', status: f.ready === false ? 'False' : 'True' }],
    },
  };
}

export function testService(spec: Service['spec'] = {}, name = 'web'): Service {
  return {
    metadata: { name, namespace: 'default', uid: `uid-svc-${name}` },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
}
