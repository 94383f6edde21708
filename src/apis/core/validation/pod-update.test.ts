import type { Binding, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../../apimachinery/validation/field.js';
import { bindPod } from '../../../registry/core/pod/binding.js';
import { podStrategy, prepareForEphemeralContainersUpdate } from '../../../registry/core/pod/strategy.js';
import {
  validatePodBinding,
  validatePodEphemeralContainersUpdate,
  validatePodStatusUpdate,
  validatePodUpdate,
} from './pod-update.js';

type P = Pod & { spec: NonNullable<Pod['spec']> };

function stored(): P {
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '5',
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
      initContainers: [{ name: 'init', image: 'busybox:1.28' }],
      tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
    },
  } as P;
  podStrategy.defaults?.(p);
  podStrategy.prepareForCreate?.(p);
  return p;
}

/** Applies an update through the strategy (defaults, prepare) and validates it. */
function update(mutate: (p: P) => void, old: P = stored()): FieldError[] {
  const next = structuredClone(old);
  mutate(next);
  podStrategy.defaults?.(next);
  podStrategy.prepareForUpdate?.(next, old);
  return validatePodUpdate(next, old);
}

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);

describe('validatePodUpdate', () => {
  it.each<[string, (p: P) => void, string[]]>([
    ['no change', () => {}, []],
    ['container image', (p) => (p.spec.containers[0]!.image = 'nginx:1.26'), []],
    ['init container image', (p) => (p.spec.initContainers![0]!.image = 'busybox:1.36'), []],
    ['labels', (p) => (p.metadata!.labels = { tier: 'web' }), []],
    // Reported by the spec check and again by the container-update check, as upstream does.
    [
      'empty image',
      (p) => (p.spec.containers[0]!.image = ''),
      ['FieldValueRequired spec.containers[0].image', 'FieldValueRequired spec.containers[0].image'],
    ],
    [
      'adding a container',
      (p) => p.spec.containers.push({ name: 'b', image: 'x' }),
      ['FieldValueForbidden spec.containers'],
    ],
    [
      'a container port',
      (p) => (p.spec.containers[0]!.ports![0]!.containerPort = 8080),
      ['FieldValueForbidden spec'],
    ],
    ['restartPolicy', (p) => (p.spec.restartPolicy = 'Never'), ['FieldValueForbidden spec']],
    ['setting activeDeadlineSeconds', (p) => (p.spec.activeDeadlineSeconds = 60), []],
    ['adding a toleration', (p) => p.spec.tolerations!.push({ key: 'b', operator: 'Exists' }), []],
    ['changing tolerationSeconds', (p) => (p.spec.tolerations![0]!.tolerationSeconds = 60), []],
    [
      'changing a toleration',
      (p) => (p.spec.tolerations![0]!.key = 'c'),
      ['FieldValueForbidden spec.tolerations'],
    ],
    ['name', (p) => (p.metadata!.name = 'other'), ['FieldValueInvalid metadata.name']],
    ['uid', (p) => ((p.metadata as { uid?: string }).uid = 'u2'), ['FieldValueInvalid metadata.uid']],
  ])('%s', (_name, mutate, expected) => {
    expect(brief(update(mutate))).toEqual(expected);
  });

  it('explains which fields may change', () => {
    const [err] = update((p) => (p.spec.restartPolicy = 'Never'));
    expect(err?.detail).toMatch(
      /^pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
    expect(err?.detail).toContain('restartPolicy: "Always" -> "Never"');
  });

  it('only lets activeDeadlineSeconds go down', () => {
    const old = stored();
    old.spec.activeDeadlineSeconds = 60;
    expect(update((p) => (p.spec.activeDeadlineSeconds = 30), old)).toEqual([]);
    expect(update((p) => (p.spec.activeDeadlineSeconds = 90), old)).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec.activeDeadlineSeconds',
        value: 90,
        detail: 'must be less than or equal to previous value',
      },
    ]);
    expect(brief(update((p) => delete p.spec.activeDeadlineSeconds, old))).toEqual([
      'FieldValueInvalid spec.activeDeadlineSeconds',
    ]);
  });

  it('lets scheduling gates be removed but not added', () => {
    const old = stored();
    old.spec.schedulingGates = [{ name: 'example.com/a' }];
    expect(update((p) => (p.spec.schedulingGates = []), old)).toEqual([]);
    expect(brief(update((p) => p.spec.schedulingGates!.push({ name: 'example.com/b' }), old))).toEqual([
      'FieldValueForbidden spec.schedulingGates[1].name',
    ]);
    expect(update((p) => (p.spec.nodeSelector = { disk: 'ssd' }), old)).toEqual([]);
  });

  it('keeps status and priority from the stored pod', () => {
    const old = stored();
    const next = structuredClone(old);
    delete next.spec.priority;
    (next as { status?: unknown }).status = { phase: 'Running' };
    podStrategy.prepareForUpdate?.(next, old);
    expect(next.spec.priority).toBe(0);
    expect(next.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('validatePodStatusUpdate', () => {
  const withStatus = (status: Pod['status'], restartPolicy = 'Never'): P => {
    const p = stored();
    p.spec.restartPolicy = restartPolicy;
    (p as { status?: unknown }).status = status;
    return p;
  };

  it('forbids changing the QoS class', () => {
    const old = withStatus({ phase: 'Pending', qosClass: 'BestEffort' });
    const next = withStatus({ phase: 'Running', qosClass: 'Burstable' });
    expect(brief(validatePodStatusUpdate(next, old))).toEqual(['FieldValueInvalid status.qosClass']);
  });

  it('keeps terminated containers terminated unless they may restart', () => {
    const term = {
      name: 'app',
      ready: false,
      restartCount: 0,
      image: 'i',
      imageID: '',
      state: { terminated: { exitCode: 0 } },
    };
    const run = { ...term, state: { running: {} } };
    const old = withStatus({ phase: 'Running', qosClass: 'BestEffort', containerStatuses: [term] });
    const next = withStatus({ phase: 'Running', qosClass: 'BestEffort', containerStatuses: [run] });
    expect(brief(validatePodStatusUpdate(next, old))).toEqual([
      'FieldValueForbidden status.containerStatuses[0].state',
    ]);
    const always = withStatus(
      { phase: 'Running', qosClass: 'BestEffort', containerStatuses: [run] },
      'Always',
    );
    expect(validatePodStatusUpdate(always, withStatus(old.status, 'Always'))).toEqual([]);
  });

  it('checks pod IPs', () => {
    const old = withStatus({ phase: 'Pending', qosClass: 'BestEffort' });
    const next = withStatus({ phase: 'Running', qosClass: 'BestEffort', podIP: 'x', podIPs: [{ ip: 'x' }] });
    expect(brief(validatePodStatusUpdate(next, old))).toEqual(['FieldValueInvalid status.podIPs[0]']);
  });

  it('keeps the spec from the stored pod', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.containers[0]!.image = 'evil';
    podStrategy.prepareForStatusUpdate?.(next, old);
    expect(next.spec.containers[0]!.image).toBe('nginx:1.25');
  });
});

describe('ephemeral containers', () => {
  const withEphemeral = (old: P, ec: object[]): P => {
    const req = structuredClone(old);
    req.spec.ephemeralContainers = ec as never;
    const next = prepareForEphemeralContainersUpdate(req, old) as P;
    podStrategy.defaults?.(next);
    return next;
  };

  it('accepts a debug container', () => {
    const old = stored();
    const next = withEphemeral(old, [
      { name: 'debugger', image: 'busybox:1.36', targetContainerName: 'app', stdin: true, tty: true },
    ]);
    expect(validatePodEphemeralContainersUpdate(next, old)).toEqual([]);
    expect(next.spec.ephemeralContainers?.[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePolicy: 'File',
    });
  });

  it.each<[string, object[], string[]]>([
    [
      'ports',
      [{ name: 'd', image: 'b', ports: [{ containerPort: 80 }] }],
      ['FieldValueForbidden spec.ephemeralContainers[0].ports'],
    ],
    [
      'resources',
      [{ name: 'd', image: 'b', resources: { limits: { cpu: '1' } } }],
      ['FieldValueForbidden spec.ephemeralContainers[0].resources'],
    ],
    [
      'probes',
      [{ name: 'd', image: 'b', readinessProbe: { exec: { command: ['x'] } } }],
      ['FieldValueForbidden spec.ephemeralContainers[0].readinessProbe'],
    ],
    ['name clash', [{ name: 'app', image: 'b' }], ['FieldValueDuplicate spec.ephemeralContainers[0].name']],
    [
      'unknown target',
      [{ name: 'd', image: 'b', targetContainerName: 'nope' }],
      ['FieldValueNotFound spec.ephemeralContainers[0].targetContainerName'],
    ],
  ])('rejects %s', (_name, ec, expected) => {
    const old = stored();
    expect(brief(validatePodEphemeralContainersUpdate(withEphemeral(old, ec), old))).toEqual(expected);
  });

  it('keeps existing ones', () => {
    const old = withEphemeral(stored(), [{ name: 'd', image: 'busybox' }]);
    expect(brief(validatePodEphemeralContainersUpdate(withEphemeral(old, []), old))).toEqual([
      'FieldValueForbidden spec.ephemeralContainers',
    ]);
    const changed = withEphemeral(old, [{ name: 'd', image: 'alpine' }]);
    const [err] = validatePodEphemeralContainersUpdate(changed, old);
    expect(err?.detail).toMatch(/^existing ephemeral containers "d" may not be changed\n/);
  });
});

describe('pods/binding', () => {
  const binding = (target: Binding['target']): Binding => ({
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'web' },
    target,
  });

  it('validates the target', () => {
    expect(validatePodBinding(binding({ kind: 'Node', name: 'n1' }))).toEqual([]);
    expect(brief(validatePodBinding(binding({ kind: 'Pod', name: 'n1' })))).toEqual([
      'FieldValueNotSupported target.kind',
    ]);
    expect(brief(validatePodBinding(binding({})))).toEqual(['FieldValueRequired target.name']);
  });

  it('binds an unscheduled pod', () => {
    const now = new Date('2024-05-01T10:00:00Z');
    const bound = bindPod(stored(), binding({ kind: 'Node', name: 'n1' }), now);
    expect(bound.spec?.nodeName).toBe('n1');
    expect(bound.status?.conditions).toEqual([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2024-05-01T10:00:00Z',
      },
    ]);
  });

  it('refuses a bound, gated or deleting pod with 409', () => {
    const bound = stored();
    bound.spec.nodeName = 'n0';
    expect(() => bindPod(bound, binding({ name: 'n1' }))).toThrow(
      'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "n0"',
    );
    const gated = stored();
    gated.spec.schedulingGates = [{ name: 'x/y' }];
    expect(() => bindPod(gated, binding({ name: 'n1' }))).toThrow('has non-empty .spec.schedulingGates');
    expect(() => bindPod(stored(), binding({ kind: 'Pod', name: 'n1' }))).toThrow('Binding "web" is invalid');
  });
});
