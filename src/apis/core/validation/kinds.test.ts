import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../../apimachinery/validation/field.js';
import { setDefaultsService } from '../v1/defaults-objects.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
} from './config.js';
import { validateEndpoints } from './endpoints.js';
import { validateEventCreate, validateEventUpdate } from './events.js';
import { validateNamespace, validateNamespaceStatusUpdate } from './namespace.js';
import { validateNode, validateNodeUpdate } from './node.js';
import { validateService } from './service.js';
import { validateServiceUpdate } from './service-update.js';

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const meta = (name = 'x') => ({ name, namespace: 'default' });

describe('Namespace', () => {
  it.each<[string, Namespace, string[]]>([
    ['valid', { metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } }, []],
    ['dots in name', { metadata: { name: 'team.a' } }, ['FieldValueInvalid metadata.name']],
    [
      'namespace set',
      { metadata: { name: 'a', namespace: 'b' } },
      ['FieldValueForbidden metadata.namespace'],
    ],
    [
      'bad finalizer',
      { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } },
      ['FieldValueInvalid spec.finalizers'],
    ],
  ])('%s', (_n, ns, expected) => {
    expect(brief(validateNamespace(ns))).toEqual(expected);
  });
  it('checks the phase on status updates', () => {
    const ns: Namespace = { metadata: { name: 'a' }, status: { phase: 'Terminating' } };
    expect(validateNamespaceStatusUpdate(ns, { metadata: { name: 'a' } })).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'status.Phase',
        value: 'Terminating',
        detail: "may only be 'Active' if `deletionTimestamp` is empty",
      },
    ]);
  });
});

describe('Node', () => {
  it.each<[string, Node, string[]]>([
    [
      'valid',
      { metadata: { name: 'node-1.example.com' }, spec: { podCIDRs: ['10.244.0.0/24', 'fd00::/64'] } },
      [],
    ],
    ['bad name', { metadata: { name: 'Node_1' } }, ['FieldValueInvalid metadata.name']],
    [
      'bad taint effect',
      { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Never' }] } },
      ['FieldValueNotSupported metadata.taints[0].effect'],
    ],
    [
      'bad CIDR',
      { metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.0.0'] } },
      ['FieldValueInvalid spec.podCIDRs[0]'],
    ],
    [
      'negative capacity',
      { metadata: { name: 'n' }, status: { capacity: { cpu: '-1' } } },
      ['FieldValueInvalid status.capacity.cpu'],
    ],
  ])('%s', (_n, node, expected) => {
    expect(brief(validateNode(node))).toEqual(expected);
  });
  it('keeps podCIDRs once set', () => {
    const old: Node = { metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.0.0/24'] } };
    expect(
      brief(validateNodeUpdate({ metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.1.0/24'] } }, old)),
    ).toEqual(['FieldValueForbidden spec.podCIDRs']);
    expect(
      validateNodeUpdate(
        { metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.0.0/24'], unschedulable: true } },
        old,
      ),
    ).toEqual([]);
  });
});

describe('Service', () => {
  const svc = (spec: Service['spec'], name = 'web'): Service => {
    const s: Service = { metadata: meta(name), spec };
    setDefaultsService(s);
    return s;
  };
  it.each<[string, Service, string[]]>([
    ['valid', svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }), []],
    [
      'name starting with a digit',
      svc({ ports: [{ port: 80 }] }, '1web'),
      ['FieldValueInvalid metadata.name'],
    ],
    ['no ports', svc({ selector: { app: 'web' } }), ['FieldValueRequired spec.ports']],
    ['headless without ports', svc({ clusterIP: 'None', clusterIPs: ['None'] }), []],
    [
      'unnamed ports',
      svc({ ports: [{ port: 80 }, { port: 443 }] }),
      ['FieldValueRequired spec.ports[0].name', 'FieldValueRequired spec.ports[1].name'],
    ],
    ['port 0', svc({ ports: [{ port: 0, targetPort: 80 }] }), ['FieldValueInvalid spec.ports[0].port']],
    [
      'duplicate port',
      svc({
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 80 },
        ],
      }),
      ['FieldValueDuplicate spec.ports[1]'],
    ],
    ['bad type', svc({ type: 'Magic', ports: [{ port: 80 }] }), ['FieldValueNotSupported spec.type']],
    [
      'nodePort on ClusterIP',
      svc({ ports: [{ port: 80, nodePort: 30000 }] }),
      ['FieldValueForbidden spec.ports[0].nodePort'],
    ],
    [
      'clusterIPs without clusterIP',
      svc({ ports: [{ port: 80 }], clusterIPs: ['10.0.0.1'] }),
      ['FieldValueInvalid spec.clusterIPs'],
    ],
    ['ExternalName without name', svc({ type: 'ExternalName' }), ['FieldValueRequired spec.externalName']],
    [
      'selector',
      svc({ ports: [{ port: 80 }], selector: { 'a b': 'c' } }),
      ['FieldValueInvalid spec.selector'],
    ],
  ])('%s', (_n, s, expected) => {
    expect(brief(validateService(s))).toEqual(expected);
  });
  it('keeps cluster IPs', () => {
    const old = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] });
    const next = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.6', clusterIPs: ['10.96.0.6'] });
    expect(brief(validateServiceUpdate(next, old))).toEqual(['FieldValueInvalid spec.clusterIPs[0]']);
  });
});

describe('Endpoints', () => {
  it.each<[string, Endpoints, string[]]>([
    [
      'valid',
      {
        metadata: meta(),
        subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }],
      },
      [],
    ],
    [
      'no addresses',
      { metadata: meta(), subsets: [{ ports: [{ port: 80, protocol: 'TCP' }] }] },
      ['FieldValueRequired subsets[0]'],
    ],
    [
      'loopback',
      { metadata: meta(), subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] },
      ['FieldValueInvalid subsets[0].addresses[0].ip'],
    ],
    [
      'unnamed ports',
      {
        metadata: meta(),
        subsets: [
          {
            addresses: [{ ip: '10.0.0.1' }],
            ports: [
              { port: 80, protocol: 'TCP' },
              { port: 81, protocol: 'TCP' },
            ],
          },
        ],
      },
      ['FieldValueRequired subsets[0].ports[0].name', 'FieldValueRequired subsets[0].ports[1].name'],
    ],
  ])('%s', (_n, ep, expected) => {
    expect(brief(validateEndpoints(ep))).toEqual(expected);
  });
});

describe('ConfigMap, Secret, ServiceAccount', () => {
  it.each<[string, ConfigMap, string[]]>([
    ['valid', { metadata: meta(), data: { 'app.properties': 'x' }, binaryData: { 'logo.png': 'AA==' } }, []],
    ['bad key', { metadata: meta(), data: { 'a/b': 'x' } }, ['FieldValueInvalid data[a/b]']],
    [
      'key in both',
      { metadata: meta(), data: { a: 'x' }, binaryData: { a: 'AA==' } },
      ['FieldValueInvalid data[a]'],
    ],
    ['too big', { metadata: meta(), data: { a: 'x'.repeat(1024 * 1024 + 1) } }, ['FieldValueTooLong ']],
  ])('configmap %s', (_n, cm, expected) => {
    expect(brief(validateConfigMap(cm))).toEqual(expected);
  });
  it('keeps immutable config maps', () => {
    const old: ConfigMap = { metadata: meta(), immutable: true, data: { a: '1' } };
    expect(brief(validateConfigMapUpdate({ ...old, data: { a: '2' } }, old))).toEqual([
      'FieldValueForbidden data',
    ]);
  });
  it.each<[string, Secret, string[]]>([
    ['opaque', { metadata: meta(), type: 'Opaque', data: { a: 'MQ==' } }, []],
    [
      'tls without key',
      { metadata: meta(), type: 'kubernetes.io/tls', data: { 'tls.crt': 'MQ==' } },
      ['FieldValueRequired data[tls.key]'],
    ],
    [
      'dockerconfigjson not JSON',
      { metadata: meta(), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'bm9wZQ==' } },
      ['FieldValueInvalid data[.dockerconfigjson]'],
    ],
    [
      'sa token without annotation',
      { metadata: meta(), type: 'kubernetes.io/service-account-token' },
      ['FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]'],
    ],
    [
      'basic auth',
      { metadata: meta(), type: 'kubernetes.io/basic-auth', data: {} },
      ['FieldValueRequired data[username]', 'FieldValueRequired data[password]'],
    ],
  ])('secret %s', (_n, s, expected) => {
    expect(brief(validateSecret(s))).toEqual(expected);
  });
  it('keeps the secret type', () => {
    const old: Secret = { metadata: meta(), type: 'Opaque' };
    expect(
      brief(
        validateSecretUpdate(
          { ...old, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } },
          old,
        ),
      ),
    ).toEqual(['FieldValueInvalid type']);
  });
  it('checks service account names', () => {
    expect(brief(validateServiceAccount({ metadata: meta('Builder') }))).toEqual([
      'FieldValueInvalid metadata.name',
    ]);
  });
});

describe('Event', () => {
  const legacy: Event = {
    metadata: { name: 'p.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Pulled',
  };
  const modern: Event = {
    metadata: { name: 'p.2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    eventTime: '2024-05-01T12:00:00.000000Z',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Pulling',
    reason: 'Pulled',
    type: 'Normal',
  };
  it('accepts legacy and new core events', () => {
    expect(validateEventCreate(legacy, 'v1')).toEqual([]);
    expect(validateEventCreate(modern, 'v1')).toEqual([]);
    expect(validateEventCreate(modern, 'events.k8s.io/v1')).toEqual([]);
  });
  it.each<[string, Event, 'v1' | 'events.k8s.io/v1', string[]]>([
    [
      'namespace mismatch',
      { ...legacy, involvedObject: { kind: 'Pod', namespace: 'other' } },
      'v1',
      ['FieldValueInvalid involvedObject.namespace'],
    ],
    [
      'no reportingComponent',
      { ...modern, reportingComponent: '' },
      'v1',
      [
        'FieldValueRequired reportingComponent',
        'FieldValueInvalid reportingComponent',
        'FieldValueInvalid reportingComponent',
      ],
    ],
    [
      'no action (events.k8s.io)',
      { ...modern, action: '' },
      'events.k8s.io/v1',
      ['FieldValueRequired action'],
    ],
    ['bad type (events.k8s.io)', { ...modern, type: 'Info' }, 'events.k8s.io/v1', ['FieldValueInvalid type']],
    [
      'deprecated fields (events.k8s.io)',
      { ...modern, count: 2, source: { component: 'x' } },
      'events.k8s.io/v1',
      ['FieldValueInvalid count', 'FieldValueInvalid source'],
    ],
    [
      'no eventTime (events.k8s.io)',
      { ...legacy, type: 'Normal' },
      'events.k8s.io/v1',
      ['FieldValueRequired eventTime'],
    ],
  ])('%s', (_n, e, version, expected) => {
    expect(brief(validateEventCreate(e, version))).toEqual(expected);
  });
  it('keeps events.k8s.io events immutable', () => {
    const old = { ...modern, metadata: { ...modern.metadata, uid: 'u' } };
    expect(brief(validateEventUpdate({ ...old, message: 'changed' }, old, 'events.k8s.io/v1'))).toEqual([
      'FieldValueInvalid message',
    ]);
    expect(validateEventUpdate({ ...old, message: 'changed' }, old, 'v1')).toEqual([]);
  });
});
