import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../../apimachinery/validation/field.js';
import { podStrategy } from '../../../registry/core/pod/strategy.js';
import { validatePodCreate } from './pod.js';

/** A created pod: defaulted and admitted like the registry does, then mutated. */
function pod(mutate: (p: Pod & { spec: NonNullable<Pod['spec']> }) => void = () => {}): Pod {
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25' }] as Container[],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  } as Pod & { spec: NonNullable<Pod['spec']> };
  mutate(p);
  podStrategy.defaults?.(p);
  podStrategy.prepareForCreate?.(p);
  return p;
}

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const c0 = (p: Pod): Container => p.spec!.containers[0]!;

describe('validatePodCreate', () => {
  it('accepts a defaulted pod', () => {
    expect(validatePodCreate(pod())).toEqual([]);
  });

  it.each<[string, (p: Pod & { spec: NonNullable<Pod['spec']> }) => void, string[]]>([
    [
      'container name not a DNS label',
      (p) => (c0(p).name = 'My_App'),
      ['FieldValueInvalid spec.containers[0].name'],
    ],
    ['missing container name', (p) => (c0(p).name = ''), ['FieldValueRequired spec.containers[0].name']],
    [
      'duplicate container',
      (p) => p.spec.containers.push({ name: 'app', image: 'x' }),
      ['FieldValueDuplicate spec.containers[1].name'],
    ],
    [
      'init container named like a container',
      (p) => (p.spec.initContainers = [{ name: 'app', image: 'busybox' }]),
      ['FieldValueDuplicate spec.initContainers[0].name'],
    ],
    ['missing image', (p) => (c0(p).image = ''), ['FieldValueRequired spec.containers[0].image']],
    [
      'image with whitespace',
      (p) => (c0(p).image = ' nginx'),
      ['FieldValueInvalid spec.containers[0].image'],
    ],
    ['no containers', (p) => (p.spec.containers = []), ['FieldValueRequired spec.containers']],
    [
      'restartPolicy',
      (p) => (p.spec.restartPolicy = 'Sometimes'),
      ['FieldValueNotSupported spec.restartPolicy'],
    ],
    [
      'container restartPolicy',
      (p) => (c0(p).restartPolicy = 'Always'),
      ['FieldValueForbidden spec.containers[0].restartPolicy'],
    ],
    [
      'init container restartPolicy other than Always',
      (p) => (p.spec.initContainers = [{ name: 'init', image: 'busybox', restartPolicy: 'OnFailure' }]),
      ['FieldValueNotSupported spec.initContainers[0].restartPolicy'],
    ],
    [
      'probe with two handlers',
      (p) => (c0(p).livenessProbe = { httpGet: { port: 80 }, tcpSocket: { port: 80 } }),
      ['FieldValueForbidden spec.containers[0].livenessProbe.tcpSocket'],
    ],
    [
      'probe without handler',
      (p) => (c0(p).readinessProbe = {}),
      ['FieldValueRequired spec.containers[0].readinessProbe'],
    ],
    [
      'liveness successThreshold',
      (p) => (c0(p).livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }),
      ['FieldValueInvalid spec.containers[0].livenessProbe.successThreshold'],
    ],
    [
      'startup successThreshold',
      (p) => (c0(p).startupProbe = { exec: { command: ['true'] }, successThreshold: 3 }),
      ['FieldValueInvalid spec.containers[0].startupProbe.successThreshold'],
    ],
    [
      'negative initialDelaySeconds',
      (p) => (c0(p).readinessProbe = { tcpSocket: { port: 80 }, initialDelaySeconds: -1 }),
      ['FieldValueInvalid spec.containers[0].readinessProbe.initialDelaySeconds'],
    ],
    [
      'exec without command',
      (p) => (c0(p).livenessProbe = { exec: {} }),
      ['FieldValueRequired spec.containers[0].livenessProbe.exec.command'],
    ],
    [
      'httpGet port name',
      (p) => (c0(p).livenessProbe = { httpGet: { port: '8080' } }),
      ['FieldValueInvalid spec.containers[0].livenessProbe.httpGet.port'],
    ],
    [
      'probe on a plain init container',
      (p) =>
        (p.spec.initContainers = [
          { name: 'init', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } },
        ]),
      ['FieldValueForbidden spec.initContainers[0].livenessProbe'],
    ],
    [
      'lifecycle on a plain init container',
      (p) =>
        (p.spec.initContainers = [
          { name: 'init', image: 'busybox', lifecycle: { preStop: { exec: { command: ['x'] } } } },
        ]),
      ['FieldValueForbidden spec.initContainers[0].lifecycle'],
    ],
    [
      'probes on a sidecar are fine',
      (p) =>
        (p.spec.initContainers = [
          {
            name: 'proxy',
            image: 'envoy',
            restartPolicy: 'Always',
            readinessProbe: { tcpSocket: { port: 15000 } },
          },
        ]),
      [],
    ],
    [
      'containerPort missing',
      (p) => (c0(p).ports = [{ containerPort: 0 }]),
      ['FieldValueRequired spec.containers[0].ports[0].containerPort'],
    ],
    [
      'containerPort too big',
      (p) => (c0(p).ports = [{ containerPort: 70000 }]),
      ['FieldValueInvalid spec.containers[0].ports[0].containerPort'],
    ],
    [
      'port name too long',
      (p) => (c0(p).ports = [{ name: 'a-very-long-port-name', containerPort: 80 }]),
      ['FieldValueInvalid spec.containers[0].ports[0].name'],
    ],
    [
      'duplicate port names',
      (p) =>
        (c0(p).ports = [
          { name: 'http', containerPort: 80 },
          { name: 'http', containerPort: 81 },
        ]),
      ['FieldValueDuplicate spec.containers[0].ports[1].name'],
    ],
    [
      'port protocol',
      (p) => (c0(p).ports = [{ containerPort: 80, protocol: 'HTTP' }]),
      ['FieldValueNotSupported spec.containers[0].ports[0].protocol'],
    ],
    [
      'duplicate host ports',
      (p) =>
        p.spec.containers.push({ name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] }) &&
        (c0(p).ports = [{ containerPort: 80, hostPort: 8080 }]),
      ['FieldValueDuplicate spec.containers[1].ports[0].hostPort'],
    ],
    [
      'hostNetwork hostPort mismatch',
      (p) => {
        p.spec.hostNetwork = true;
        c0(p).ports = [{ containerPort: 80, hostPort: 9000 }];
      },
      ['FieldValueInvalid spec.containers[0].ports[0].hostPort'],
    ],
    [
      'env name',
      (p) => (c0(p).env = [{ name: '1BAD', value: 'x' }]),
      ['FieldValueInvalid spec.containers[0].env[0].name'],
    ],
    [
      'env value and valueFrom',
      (p) =>
        (c0(p).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]),
      ['FieldValueInvalid spec.containers[0].env[0].valueFrom'],
    ],
    [
      'env fieldRef not supported',
      (p) => (c0(p).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.schedulerName' } } }]),
      ['FieldValueNotSupported spec.containers[0].env[0].valueFrom.fieldRef.fieldPath'],
    ],
    [
      'envFrom without source',
      (p) => (c0(p).envFrom = [{ prefix: 'X_' }]),
      ['FieldValueInvalid spec.containers[0].envFrom'],
    ],
    [
      'mount of a missing volume',
      (p) => (c0(p).volumeMounts = [{ name: 'nope', mountPath: '/x' }]),
      ['FieldValueNotFound spec.containers[0].volumeMounts[0].name'],
    ],
    [
      'duplicate mount paths',
      (p) =>
        (c0(p).volumeMounts = [
          { name: 'data', mountPath: '/x' },
          { name: 'data', mountPath: '/x' },
        ]),
      ['FieldValueInvalid spec.containers[0].volumeMounts[1].mountPath'],
    ],
    [
      'duplicate volumes',
      (p) => p.spec.volumes!.push({ name: 'data', emptyDir: {} }),
      ['FieldValueDuplicate spec.volumes[1].name'],
    ],
    [
      'volume with two sources',
      (p) => (p.spec.volumes = [{ name: 'data', emptyDir: {}, hostPath: { path: '/tmp' } }]),
      ['FieldValueForbidden spec.volumes[0].hostPath'],
    ],
    [
      'configMap volume without name',
      (p) => (p.spec.volumes = [{ name: 'cfg', configMap: {} }]),
      ['FieldValueRequired spec.volumes[0].configMap.name'],
    ],
    [
      'file mode too big',
      (p) => (p.spec.volumes = [{ name: 's', secret: { secretName: 's', defaultMode: 0o1777 } }]),
      ['FieldValueInvalid spec.volumes[0].secret.defaultMode'],
    ],
    [
      'requests above limits',
      (p) => (c0(p).resources = { limits: { cpu: '500m' }, requests: { cpu: '1' } }),
      ['FieldValueInvalid spec.containers[0].resources.requests'],
    ],
    [
      'bad quantity',
      (p) => (c0(p).resources = { limits: { cpu: 'lots' } }),
      [
        'FieldValueInvalid spec.containers[0].resources.limits[cpu]',
        'FieldValueInvalid spec.containers[0].resources.requests[cpu]',
      ],
    ],
    [
      'unknown resource',
      (p) => (c0(p).resources = { requests: { gpu: '1' } }),
      [
        'FieldValueInvalid spec.containers[0].resources.requests[gpu]',
        'FieldValueInvalid spec.containers[0].resources.requests[gpu]',
      ],
    ],
    ['dnsPolicy', (p) => (p.spec.dnsPolicy = 'Foo'), ['FieldValueNotSupported spec.dnsPolicy']],
    [
      'dnsPolicy None without dnsConfig',
      (p) => (p.spec.dnsPolicy = 'None'),
      ['FieldValueRequired spec.dnsConfig'],
    ],
    [
      'too many nameservers',
      (p) => (p.spec.dnsConfig = { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '1.0.0.1'] }),
      ['FieldValueInvalid spec.dnsConfig.nameservers'],
    ],
    [
      'hostAlias IP',
      (p) => (p.spec.hostAliases = [{ ip: 'not-an-ip', hostnames: ['a'] }]),
      ['FieldValueInvalid spec.hostAliases[0].ip'],
    ],
    [
      'runAsUser',
      (p) => (p.spec.securityContext = { runAsUser: -1 }),
      ['FieldValueInvalid spec.securityContext.runAsUser'],
    ],
    [
      'privileged without escalation',
      (p) => (c0(p).securityContext = { privileged: true, allowPrivilegeEscalation: false }),
      ['FieldValueInvalid spec.containers[0].securityContext'],
    ],
    [
      'readiness gate',
      (p) => (p.spec.readinessGates = [{ conditionType: 'bad type!' }]),
      ['FieldValueInvalid spec.readinessGates[0].conditionType'],
    ],
    [
      'nodeSelector key',
      (p) => (p.spec.nodeSelector = { 'bad key': 'x' }),
      ['FieldValueInvalid spec.nodeSelector'],
    ],
    [
      'activeDeadlineSeconds',
      (p) => (p.spec.activeDeadlineSeconds = 0),
      ['FieldValueInvalid spec.activeDeadlineSeconds'],
    ],
    [
      'ephemeral containers on create',
      (p) => (p.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }]),
      ['FieldValueForbidden spec.ephemeralContainers'],
    ],
    [
      'nodeName with scheduling gates',
      (p) => {
        p.spec.nodeName = 'n1';
        p.spec.schedulingGates = [{ name: 'example.com/wait' }];
      },
      ['FieldValueForbidden spec.nodeName'],
    ],
    [
      'toleration Exists with value',
      (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
      ['FieldValueInvalid spec.tolerations[0].operator'],
    ],
    [
      'toleration without key',
      (p) => (p.spec.tolerations = [{ operator: 'Equal', value: 'v' }]),
      ['FieldValueInvalid spec.tolerations[0].operator'],
    ],
    [
      'toleration effect',
      (p) => (p.spec.tolerations = [{ key: 'k', effect: 'Sometimes' }]),
      ['FieldValueNotSupported spec.tolerations[0].effect'],
    ],
    [
      'tolerationSeconds without NoExecute',
      (p) =>
        (p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]),
      ['FieldValueInvalid spec.tolerations[0].effect'],
    ],
    [
      'node affinity without terms',
      (p) =>
        (p.spec.affinity = {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
        }),
      [
        'FieldValueRequired spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
      ],
    ],
    [
      'pod anti-affinity without topologyKey',
      (p) =>
        (p.spec.affinity = {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: '' },
            ],
          },
        }),
      [
        'FieldValueRequired spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
        // an empty qualified name: "name part must be non-empty" and the format message
        'FieldValueInvalid spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
        'FieldValueInvalid spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
      ],
    ],
    ['metadata.name', (p) => (p.metadata!.name = 'Bad_Name'), ['FieldValueInvalid metadata.name']],
    ['metadata.namespace', (p) => delete p.metadata!.namespace, ['FieldValueRequired metadata.namespace']],
    ['label value', (p) => (p.metadata!.labels = { app: 'a b' }), ['FieldValueInvalid metadata.labels']],
    [
      'serviceAccountName',
      (p) => (p.spec.serviceAccountName = 'Bad'),
      ['FieldValueInvalid spec.serviceAccountName'],
    ],
    [
      'mirror pod without node',
      (p) => (p.metadata!.annotations = { 'kubernetes.io/config.mirror': 'x' }),
      ['FieldValueInvalid metadata.annotations[kubernetes.io/config.mirror]'],
    ],
  ])('%s', (_name, mutate, expected) => {
    expect(brief(validatePodCreate(pod(mutate)))).toEqual(expected);
  });

  it('explains the probe handler rules with upstream wording', () => {
    const errs = validatePodCreate(
      pod((p) => (c0(p).livenessProbe = { httpGet: { port: 80 }, exec: { command: ['x'] } })),
    );
    expect(errs).toEqual([
      {
        type: 'FieldValueForbidden',
        field: 'spec.containers[0].livenessProbe.httpGet',
        detail: 'may not specify more than 1 handler type',
      },
    ]);
    const none = validatePodCreate(pod((p) => (c0(p).livenessProbe = {})));
    expect(none[0]?.detail).toBe('must specify a handler type');
  });

  it('reports request/limit and DNS-label messages like upstream', () => {
    const [req] = validatePodCreate(
      pod((p) => (c0(p).resources = { limits: { cpu: '500m' }, requests: { cpu: '1' } })),
    );
    expect(req).toMatchObject({ value: '1', detail: 'must be less than or equal to cpu limit of 500m' });
    const [name] = validatePodCreate(pod((p) => (c0(p).name = 'My_App')));
    expect(name?.detail).toBe(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  });
});
