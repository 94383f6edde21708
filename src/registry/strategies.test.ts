import type { Namespace, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { describe, expect, it } from 'vitest';
import { builtinResources } from './all.js';
import { eventSelectableFields } from './core/event/strategy.js';
import { namespaceStrategy } from './core/namespace/strategy.js';
import { admitServiceAccount } from './core/pod/admission.js';
import { podGracePeriod, podSelectableFields, podStrategy } from './core/pod/strategy.js';
import { serviceStrategy } from './core/service/strategy.js';
import { eventsV1SelectableFields } from './events/event/strategy.js';
import { podDisruptionBudgetStrategy } from './policy/poddisruptionbudget/strategy.js';

describe('builtinResources', () => {
  it('lists the resources with upstream names', () => {
    expect(
      builtinResources.map((r) => [r.group, r.plural, r.shortNames.join(','), r.namespaced, r.definition]),
    ).toEqual([
      ['', 'namespaces', 'ns', false, 'io.k8s.api.core.v1.Namespace'],
      ['', 'pods', 'po', true, 'io.k8s.api.core.v1.Pod'],
      ['', 'nodes', 'no', false, 'io.k8s.api.core.v1.Node'],
      ['', 'services', 'svc', true, 'io.k8s.api.core.v1.Service'],
      ['', 'endpoints', 'ep', true, 'io.k8s.api.core.v1.Endpoints'],
      ['', 'configmaps', 'cm', true, 'io.k8s.api.core.v1.ConfigMap'],
      ['', 'secrets', '', true, 'io.k8s.api.core.v1.Secret'],
      ['', 'serviceaccounts', 'sa', true, 'io.k8s.api.core.v1.ServiceAccount'],
      ['', 'events', 'ev', true, 'io.k8s.api.core.v1.Event'],
      ['', 'replicationcontrollers', 'rc', true, 'io.k8s.api.core.v1.ReplicationController'],
      ['apps', 'deployments', 'deploy', true, 'io.k8s.api.apps.v1.Deployment'],
      ['apps', 'replicasets', 'rs', true, 'io.k8s.api.apps.v1.ReplicaSet'],
      ['apps', 'statefulsets', 'sts', true, 'io.k8s.api.apps.v1.StatefulSet'],
      ['apps', 'controllerrevisions', '', true, 'io.k8s.api.apps.v1.ControllerRevision'],
      ['coordination.k8s.io', 'leases', '', true, 'io.k8s.api.coordination.v1.Lease'],
      ['policy', 'poddisruptionbudgets', 'pdb', true, 'io.k8s.api.policy.v1.PodDisruptionBudget'],
      ['events.k8s.io', 'events', 'ev', true, 'io.k8s.api.events.v1.Event'],
      ['discovery.k8s.io', 'endpointslices', '', true, 'io.k8s.api.discovery.v1.EndpointSlice'],
    ]);
    const byPlural = Object.fromEntries(builtinResources.map((r) => [`${r.group}/${r.plural}`, r]));
    expect(byPlural['/pods']?.categories).toEqual(['all']);
    expect(byPlural['/services']?.categories).toEqual(['all']);
    expect(byPlural['/pods']?.subresources).toEqual([
      'status',
      'binding',
      'eviction',
      'ephemeralcontainers',
      'log',
      'exec',
      'attach',
      'portforward',
    ]);
    for (const r of builtinResources) {
      expect(r.strategy.table?.columns.length, r.plural).toBeGreaterThan(0);
    }
  });
});

describe('pod strategy', () => {
  const created = (spec: Pod['spec']): Pod => {
    const p: Pod = { metadata: { name: 'p', namespace: 'default' }, spec };
    podStrategy.defaults?.(p);
    podStrategy.prepareForCreate?.(p);
    return p;
  };
  it.each<[string, Pod['spec'], string]>([
    ['no resources', { containers: [{ name: 'a', image: 'i' }] }, 'BestEffort'],
    [
      'requests only',
      { containers: [{ name: 'a', image: 'i', resources: { requests: { cpu: '100m' } } }] },
      'Burstable',
    ],
    [
      'limits cpu+memory',
      { containers: [{ name: 'a', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
      'Guaranteed',
    ],
    [
      'requests below limits',
      {
        containers: [
          {
            name: 'a',
            image: 'i',
            resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } },
          },
        ],
      },
      'Burstable',
    ],
    [
      'init container without limits',
      {
        containers: [{ name: 'a', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' } } }],
        initContainers: [{ name: 'b', image: 'i' }],
      },
      'Burstable',
    ],
  ])('QoS: %s', (_n, spec, qos) => {
    expect(created(spec).status).toEqual({ phase: 'Pending', qosClass: qos });
  });

  it('marks gated pods', () => {
    const p = created({
      containers: [{ name: 'a', image: 'i' }],
      schedulingGates: [{ name: 'example.com/wait' }],
    });
    expect(p.status?.conditions?.[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    });
  });

  it('computes the grace period like CheckGracefulDelete', () => {
    const p: Pod = {
      spec: { containers: [], nodeName: 'n', terminationGracePeriodSeconds: 30 },
      status: { phase: 'Running' },
    };
    expect(podGracePeriod(p, undefined)).toBe(30);
    expect(podGracePeriod(p, 5)).toBe(5);
    expect(podGracePeriod(p, -3)).toBe(1);
    expect(podGracePeriod({ ...p, spec: { containers: [] } }, 30)).toBe(0);
    expect(podGracePeriod({ ...p, status: { phase: 'Succeeded' } }, 30)).toBe(0);
  });

  it('exposes selectable fields', () => {
    const p = created({ containers: [{ name: 'a', image: 'i' }], nodeName: 'n1' });
    expect(podSelectableFields(p)).toEqual({
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'false',
      'status.phase': 'Pending',
      'status.podIP': '',
      'status.nominatedNodeName': '',
    });
  });

  it('can mount the service account token', () => {
    const p: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'i' }] } };
    admitServiceAccount(p, { mountToken: true, suffix: () => 'abcde' });
    expect(p.spec?.volumes?.[0]?.name).toBe('kube-api-access-abcde');
    expect(p.spec?.containers[0]?.volumeMounts).toEqual([
      {
        name: 'kube-api-access-abcde',
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        readOnly: true,
      },
    ]);
  });
});

describe('namespace strategy', () => {
  it('creates Active namespaces holding the kubernetes finalizer', () => {
    const ns: Namespace = { metadata: { name: 'team-a' } };
    namespaceStrategy.defaults?.(ns);
    namespaceStrategy.prepareForCreate?.(ns);
    expect(ns).toEqual({
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    expect(namespaceStrategy.validate?.(ns)).toEqual([]);
  });
  it('turns Terminating on delete and stays while finalizers remain', () => {
    const ns: Namespace = {
      metadata: { name: 'a' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    expect(namespaceStrategy.beginDelete?.(ns)).toBe(true);
    expect(ns.status?.phase).toBe('Terminating');
    expect(namespaceStrategy.beginDelete?.({ metadata: { name: 'b' }, spec: {} })).toBe(false);
  });
  it('keeps finalizers and status on update', () => {
    const old: Namespace = {
      metadata: { name: 'a' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    const next: Namespace = { metadata: { name: 'a', labels: { x: 'y' } }, spec: {} };
    namespaceStrategy.prepareForUpdate?.(next, old);
    expect(next).toEqual({
      metadata: { name: 'a', labels: { x: 'y' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });
});

describe('service strategy', () => {
  it('resets status and fills IP family fields on create', () => {
    const svc: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '10.96.0.20', ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    };
    serviceStrategy.defaults?.(svc);
    serviceStrategy.prepareForCreate?.(svc);
    expect(svc.status).toEqual({ loadBalancer: {} });
    expect(svc.spec).toMatchObject({
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(serviceStrategy.validate?.(svc)).toEqual([]);
  });
  it('keeps allocated values when an update omits them', () => {
    const old: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.20',
        clusterIPs: ['10.96.0.20'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'http', port: 80, nodePort: 30080 }],
      },
    };
    serviceStrategy.defaults?.(old);
    const next: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] },
    };
    serviceStrategy.defaults?.(next);
    serviceStrategy.prepareForUpdate?.(next, old);
    expect(next.spec).toMatchObject({
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ports: [{ name: 'http', port: 80, nodePort: 30080 }],
    });
    expect(serviceStrategy.validateUpdate?.(next, old)).toEqual([]);
  });
});

describe('updates through strategies', () => {
  it('leave an unchanged object deeply equal (no undefined keys)', () => {
    for (const r of builtinResources) {
      const obj = { apiVersion: 'v1', kind: r.kind, metadata: { name: 'x', namespace: 'default' } };
      const next = structuredClone(obj);
      r.strategy.prepareForUpdate?.(next, obj);
      r.strategy.prepareForStatusUpdate?.(next, obj);
      expect(next, r.plural).toStrictEqual(obj);
    }
  });
  it.each<[string, object]>([
    [
      'pods',
      {
        spec: {
          containers: [
            {
              name: 'a',
              image: 'nginx',
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: '1' } },
            },
          ],
          volumes: [{ name: 'v' }],
        },
      },
    ],
    ['namespaces', {}],
    ['nodes', { spec: { podCIDR: '10.0.0.0/24' }, status: { capacity: { cpu: '2' } } }],
    ['secrets', { stringData: { a: 'b' } }],
    ['events', { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' } }],
    ['poddisruptionbudgets', { spec: { minAvailable: 1 } }],
  ])('%s: defaults and prepareForUpdate are a no-op on a stored object', (plural, body) => {
    const r = builtinResources.find((x) => x.plural === plural && x.group !== 'events.k8s.io')!;
    const meta = { name: 'x', ...(r.namespaced ? { namespace: 'default' } : {}) };
    const obj = { apiVersion: 'v1', kind: r.kind, metadata: meta, ...structuredClone(body) };
    r.strategy.defaults?.(obj);
    r.strategy.prepareForCreate?.(obj);
    const stored = JSON.parse(JSON.stringify(obj)) as typeof obj;
    const next = structuredClone(stored);
    r.strategy.defaults?.(next);
    r.strategy.prepareForUpdate?.(next, stored);
    expect(next).toStrictEqual(stored);
    expect(r.strategy.validateUpdate?.(next, stored) ?? []).toEqual([]);
  });

  it('leave an unchanged service deeply equal', () => {
    const svc: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ port: 80 }], selector: { app: 'w' } },
    };
    serviceStrategy.defaults?.(svc);
    serviceStrategy.prepareForCreate?.(svc);
    const next = structuredClone(svc);
    serviceStrategy.defaults?.(next);
    serviceStrategy.prepareForUpdate?.(next, svc);
    expect(next).toStrictEqual(svc);
  });
});

describe('other strategies', () => {
  it('starts PDB status at zero and keeps it on update', () => {
    const pdb: PodDisruptionBudget = {
      metadata: { name: 'p', namespace: 'default' },
      spec: { minAvailable: 1 },
      status: { disruptionsAllowed: 5, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    };
    podDisruptionBudgetStrategy.prepareForCreate?.(pdb);
    expect(pdb.status).toEqual({
      currentHealthy: 0,
      desiredHealthy: 0,
      disruptionsAllowed: 0,
      expectedPods: 0,
    });
  });
  it('exposes event field selectors under both APIs', () => {
    const fields = eventSelectableFields({
      metadata: {},
      involvedObject: { kind: 'Pod', name: 'p', uid: 'u' },
      reason: 'Pulled',
      type: 'Normal',
      source: { component: 'kubelet' },
    });
    expect(fields).toMatchObject({
      'involvedObject.kind': 'Pod',
      'involvedObject.name': 'p',
      'involvedObject.uid': 'u',
      source: 'kubelet',
      reason: 'Pulled',
    });
    const v1 = eventsV1SelectableFields({
      metadata: {},
      eventTime: '',
      regarding: { kind: 'Node', name: 'n' },
      reportingController: 'kubelet',
    });
    expect(v1).toMatchObject({
      'regarding.kind': 'Node',
      'regarding.name': 'n',
      reportingController: 'kubelet',
    });
  });
});
