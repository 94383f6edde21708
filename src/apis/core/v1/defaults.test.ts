import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { podStrategy } from '../../../registry/core/pod/strategy.js';
import { setDefaultsPod } from './defaults.js';
import {
  setDefaultsEndpoints,
  setDefaultsNamespace,
  setDefaultsNode,
  setDefaultsSecret,
  setDefaultsService,
} from './defaults-objects.js';
import { defaultPullPolicy } from './image.js';

const seed = (): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'seed', namespace: 'default' },
  spec: {
    initContainers: [{ name: 'init-myservice', image: 'busybox:1.28', command: ['sh', '-c', 'sleep 2'] }],
    containers: [{ name: 'myapp', image: 'ubuntu:trusty', command: ['sleep', '3600'] }],
  },
});

const defaultedContainer = {
  imagePullPolicy: 'IfNotPresent',
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

describe('pod defaults (seed example)', () => {
  it('matches what upstream stores for the seed pod', () => {
    const pod = seed();
    podStrategy.defaults?.(pod);
    podStrategy.prepareForCreate?.(pod);
    // ServiceAccount admission mounts the API credentials (token, CA, namespace) in every container.
    const spec = pod.spec!;
    const [volume] = spec.volumes ?? [];
    expect(volume?.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(volume?.projected?.sources?.map((s) => Object.keys(s)[0])).toEqual([
      'serviceAccountToken',
      'configMap',
      'downwardAPI',
    ]);
    expect(volume?.projected?.sources?.[0]?.serviceAccountToken).toEqual({
      expirationSeconds: 3607,
      path: 'token',
    });
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      expect(c.volumeMounts).toEqual([
        { name: volume?.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ]);
      delete c.volumeMounts;
    }
    delete spec.volumes;
    expect(pod.spec).toEqual({
      initContainers: [
        {
          name: 'init-myservice',
          image: 'busybox:1.28',
          command: ['sh', '-c', 'sleep 2'],
          ...defaultedContainer,
        },
      ],
      containers: [
        { name: 'myapp', image: 'ubuntu:trusty', command: ['sleep', '3600'], ...defaultedContainer },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      // DefaultTolerationSeconds admission, at create.
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(podStrategy.validate?.(pod)).toEqual([]);
  });

  it('is idempotent', () => {
    const once = seed();
    setDefaultsPod(once);
    const twice = structuredClone(once);
    setDefaultsPod(twice);
    expect(twice).toEqual(once);
  });

  it('keeps explicit values', () => {
    const pod = seed();
    pod.spec!.restartPolicy = 'Never';
    pod.spec!.dnsPolicy = 'Default';
    pod.spec!.terminationGracePeriodSeconds = 0;
    pod.spec!.containers[0]!.imagePullPolicy = 'Never';
    setDefaultsPod(pod);
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Never',
      dnsPolicy: 'Default',
      terminationGracePeriodSeconds: 0,
    });
    expect(pod.spec!.containers[0]!.imagePullPolicy).toBe('Never');
  });
});

describe('image pull policy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['docker.io/library/nginx', 'Always'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'Always'],
    ['Not/Valid', 'IfNotPresent'],
    ['', 'IfNotPresent'],
  ])('%s → %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe('container defaults', () => {
  it('defaults probes, handlers, ports, env and resources', () => {
    const pod: Pod = {
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'app:1',
            ports: [{ containerPort: 80 }],
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            resources: { limits: { cpu: '1.5', memory: '1024Mi' } },
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { grpc: { port: 9000 } },
            lifecycle: { preStop: { httpGet: { port: 'http' } } },
          },
        ],
      },
    };
    setDefaultsPod(pod);
    const c = pod.spec!.containers[0]!;
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.env?.[0]?.valueFrom?.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'spec.nodeName' });
    expect(c.resources).toEqual({
      limits: { cpu: '1500m', memory: '1Gi' },
      requests: { cpu: '1500m', memory: '1Gi' },
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe?.grpc).toEqual({ port: 9000, service: '' });
    expect(c.lifecycle?.preStop?.httpGet).toEqual({ port: 'http', path: '/', scheme: 'HTTP' });
  });

  it('copies only missing requests from limits', () => {
    const pod: Pod = {
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i',
            resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m' } },
          },
        ],
      },
    };
    setDefaultsPod(pod);
    expect(pod.spec!.containers[0]!.resources?.requests).toEqual({ cpu: '100m', memory: '1Gi' });
  });

  it('defaults host ports with hostNetwork', () => {
    const pod: Pod = {
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] },
    };
    setDefaultsPod(pod);
    expect(pod.spec!.containers[0]!.ports?.[0]?.hostPort).toBe(8080);
  });

  it('defaults volumes', () => {
    const pod: Pod = {
      spec: {
        containers: [{ name: 'c', image: 'i' }],
        volumes: [
          { name: 'a' },
          { name: 'b', configMap: { name: 'cm' } },
          { name: 'c', secret: { secretName: 's' } },
          { name: 'd', hostPath: { path: '/tmp' } },
          {
            name: 'e',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
          { name: 'f', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
          { name: 'g', emptyDir: { sizeLimit: '1024Mi' } },
        ],
      },
    };
    setDefaultsPod(pod);
    expect(pod.spec!.volumes).toEqual([
      { name: 'a', emptyDir: {} },
      { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
      { name: 'c', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'd', hostPath: { path: '/tmp', type: '' } },
      {
        name: 'e',
        downwardAPI: {
          defaultMode: 420,
          items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }],
        },
      },
      {
        name: 'f',
        projected: {
          defaultMode: 420,
          sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
        },
      },
      { name: 'g', emptyDir: { sizeLimit: '1Gi' } },
    ]);
  });

  it('mirrors the deprecated serviceAccount field and pod IPs', () => {
    const pod: Pod = {
      spec: { serviceAccount: 'builder', containers: [] },
      status: { podIP: '10.0.0.5', hostIP: '192.168.1.2' },
    };
    setDefaultsPod(pod);
    expect(pod.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
    expect(pod.status).toMatchObject({ podIPs: [{ ip: '10.0.0.5' }], hostIPs: [{ ip: '192.168.1.2' }] });
  });
});

describe('other kinds', () => {
  it('defaults a service', () => {
    const svc: Service = { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    setDefaultsService(svc);
    expect(svc.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('defaults LoadBalancer and ClientIP services', () => {
    const svc: Service = {
      spec: {
        type: 'LoadBalancer',
        sessionAffinity: 'ClientIP',
        ports: [{ port: 443, targetPort: 'https' }],
      },
    };
    setDefaultsService(svc);
    expect(svc.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
    });
  });

  it('defaults namespaces, secrets, nodes and endpoints', () => {
    const ns = { metadata: { name: 'team-a' }, status: {} };
    setDefaultsNamespace(ns);
    expect(ns).toEqual({
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      status: { phase: 'Active' },
    });

    const secret = { stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } };
    setDefaultsSecret(secret);
    expect(secret).toEqual({ type: 'Opaque', data: { user: 'YWRtaW4=', password: 'aHVudGVyMg==' } });

    const node = { spec: { podCIDR: '10.244.0.0/24' }, status: { capacity: { cpu: '4', memory: '8192Mi' } } };
    setDefaultsNode(node);
    expect(node.spec).toEqual({ podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
    expect(node.status).toEqual({
      capacity: { cpu: '4', memory: '8Gi' },
      allocatable: { cpu: '4', memory: '8Gi' },
    });

    const ep = { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] };
    setDefaultsEndpoints(ep);
    expect(ep.subsets[0]!.ports[0]).toEqual({ port: 80, protocol: 'TCP' });
  });
});
