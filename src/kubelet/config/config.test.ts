import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  checkAndUpdatePod,
  needToReconcilePodReadiness,
  podConfig,
  shouldSync,
  type PodChange,
} from './config.js';
import { CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION } from './sources.js';

const base: Pod = {
  metadata: {
    name: 'p',
    namespace: 'default',
    uid: 'uid-1',
    resourceVersion: '10',
    labels: { app: 'web' },
    annotations: { note: 'a' },
  },
  spec: { nodeName: 'me', containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }],
  },
};

/** kubernetes-types are read-only; the cases edit copies. */
type Mutable<T> = T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Edit = (p: Mutable<Pod>) => void;
const edited = (...edits: Edit[]): Pod => {
  const p = structuredClone(base) as Mutable<Pod>;
  for (const e of edits) e(p);
  return p as Pod;
};
const meta = (p: Mutable<Pod>) => p.metadata ?? (p.metadata = {});
const status = (p: Mutable<Pod>): Mutable<PodStatus> => p.status ?? (p.status = {});

// the agent's own pods/status write, as it comes back on the watch
const echo: Edit = (p) => {
  meta(p).resourceVersion = '11';
  status(p).phase = 'Pending';
  status(p).conditions = [
    { type: 'PodReadyToStartContainers', status: 'True' },
    { type: 'Initialized', status: 'True' },
    {
      type: 'Ready',
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [c]',
    },
    { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' },
  ];
  status(p).containerStatuses = [
    {
      name: 'c',
      image: 'busybox',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: 'ErrImagePull', message: 'pull failed' } },
    },
  ];
};

describe('checkAndUpdatePod', () => {
  const cases: [string, Pod | undefined, Pod, PodChange][] = [
    ['a pod not seen before', undefined, base, 'add'],
    ['the same object again (a relist)', base, structuredClone(base), 'none'],
    [
      'a new resourceVersion and managedFields only',
      base,
      edited((p) => (meta(p).resourceVersion = '12')),
      'none',
    ],
    ['the agent status echo', base, edited(echo), 'reconcile'],
    ['a spec change', base, edited((p) => (p.spec!.activeDeadlineSeconds = 30)), 'update'],
    [
      'a spec change with a status change',
      base,
      edited(echo, (p) => (p.spec!.activeDeadlineSeconds = 30)),
      'update',
    ],
    ['a label change', base, edited((p) => (meta(p).labels = { app: 'db' })), 'update'],
    ['labels removed', base, edited((p) => delete meta(p).labels), 'update'],
    ['an annotation change', base, edited((p) => (meta(p).annotations = { note: 'b' })), 'update'],
    [
      'a change of the agent-local annotations only',
      base,
      edited(
        (p) =>
          (meta(p).annotations = {
            note: 'a',
            [CONFIG_SOURCE_ANNOTATION]: 'api',
            [CONFIG_SEEN_ANNOTATION]: '2024-01-01T00:00:00Z',
            [CONFIG_MIRROR_ANNOTATION]: 'x',
          }),
      ),
      'none',
    ],
    [
      'a graceful delete',
      base,
      edited((p) => {
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
      }),
      'delete',
    ],
    [
      'a shorter grace period on a pod already being deleted',
      edited((p) => {
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
      }),
      edited((p) => {
        meta(p).deletionTimestamp = '2024-01-01T00:00:30Z';
        meta(p).deletionGracePeriodSeconds = 0;
      }),
      'delete',
    ],
    [
      'the status echo of a pod being deleted',
      edited((p) => {
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
      }),
      edited(echo, (p) => {
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
      }),
      'reconcile',
    ],
  ];
  it.each(cases)('%s', (_name, existing, next, want) => {
    expect(checkAndUpdatePod(existing, next)).toBe(want);
  });
});

describe('needToReconcilePodReadiness', () => {
  const gated = (ready: 'True' | 'False', message: string | undefined, gate?: 'True' | 'False'): Pod =>
    edited((p) => {
      p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }];
      p.status = {
        phase: 'Running',
        conditions: [
          { type: 'ContainersReady', status: 'True' },
          { type: 'Ready', status: ready, ...(message ? { message } : {}) },
          ...(gate ? [{ type: 'example.com/lb', status: gate }] : []),
        ],
        containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: true, restartCount: 0 }],
      };
    });
  const missing = 'corresponding condition of pod readiness gate "example.com/lb" does not exist.';
  const cases: [string, Pod, boolean][] = [
    ['no readiness gates', edited(echo), false],
    ['gate missing, Ready False with its message', gated('False', missing), false],
    ['gate set True, Ready still False', gated('False', missing, 'True'), true],
    ['gate True, Ready True', gated('True', undefined, 'True'), false],
    ['gate set False, Ready still True', gated('True', undefined, 'False'), true],
    [
      'no Ready condition recorded yet',
      edited((p) => {
        p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }];
        p.status = { phase: 'Pending', conditions: [{ type: 'example.com/lb', status: 'True' }] };
      }),
      false,
    ],
  ];
  it.each(cases)('%s', (_name, pod, want) => {
    expect(needToReconcilePodReadiness(pod)).toBe(want);
  });
});

describe('shouldSync', () => {
  const withCondition =
    (type: string, value: 'True' | 'False'): Edit =>
    (p) => {
      status(p).conditions = [...(status(p).conditions ?? []), { type, status: value }];
    };
  const cases: [string, Pod | undefined, Pod, boolean][] = [
    ['add', undefined, base, true],
    ['spec change', base, edited((p) => (p.spec!.activeDeadlineSeconds = 30)), true],
    ['graceful delete', base, edited((p) => (meta(p).deletionTimestamp = '2024-01-01T00:01:00Z')), true],
    ['nothing changed', base, structuredClone(base), false],
    ['the agent status echo', base, edited(echo), false],
    [
      'another echo with only timestamps of a foreign condition moved',
      edited(echo),
      edited(echo, (p) => (status(p).conditions![4]!.lastTransitionTime = '2024-01-02T00:00:00Z')),
      false,
    ],
    [
      'a readiness-gate condition set by a client',
      edited(echo),
      edited(echo, withCondition('example.com/lb', 'True')),
      true,
    ],
    [
      'a DisruptionTarget condition added',
      edited(echo),
      edited(echo, withCondition('DisruptionTarget', 'True')),
      true,
    ],
    [
      'PodScheduled added by the agent to a pod that had none',
      edited((p) => (status(p).conditions = [])),
      edited(echo),
      true,
    ],
  ];
  it.each(cases)('%s', (_name, existing, next, want) => {
    expect(shouldSync(existing, next)).toBe(want);
  });
});

describe('podConfig', () => {
  const recorder = () => {
    const seen: string[] = [];
    const updates = podConfig({
      update: (p) => seen.push(`update ${p.metadata?.uid} rv=${p.metadata?.resourceVersion}`),
      remove: (p) => seen.push(`remove ${p.metadata?.uid}`),
    });
    return { seen, updates };
  };

  it('passes an add, a spec change and deletes on, and holds status echoes back', () => {
    const { seen, updates } = recorder();
    updates.update(base);
    updates.update(edited(echo));
    updates.update(edited(echo, (p) => (meta(p).resourceVersion = '12')));
    updates.update(
      edited(echo, (p) => ((meta(p).resourceVersion = '13'), (p.spec!.activeDeadlineSeconds = 5))),
    );
    updates.update(
      edited(echo, (p) => {
        meta(p).resourceVersion = '14';
        p.spec!.activeDeadlineSeconds = 5;
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
      }),
    );
    updates.update(
      edited(echo, (p) => {
        meta(p).resourceVersion = '15';
        p.spec!.activeDeadlineSeconds = 5;
        meta(p).deletionTimestamp = '2024-01-01T00:01:00Z';
        meta(p).deletionGracePeriodSeconds = 30;
        status(p).phase = 'Failed';
      }),
    );
    updates.remove(base);
    expect(seen).toEqual(['update uid-1 rv=10', 'update uid-1 rv=13', 'update uid-1 rv=14', 'remove uid-1']);
  });

  it('compares with the pod last passed on, so a pod seen again after its removal is an add', () => {
    const { seen, updates } = recorder();
    updates.update(base);
    updates.remove(base);
    updates.update(base);
    expect(seen).toEqual(['update uid-1 rv=10', 'remove uid-1', 'update uid-1 rv=10']);
  });

  it('keeps pods apart by uid', () => {
    const { seen, updates } = recorder();
    updates.update(base);
    updates.update(edited((p) => (meta(p).uid = 'uid-2')));
    updates.update(edited(echo, (p) => (meta(p).uid = 'uid-2')));
    expect(seen).toEqual(['update uid-1 rv=10', 'update uid-2 rv=10']);
  });

  it('passes every change of a mirror pod to the mirror client', () => {
    const { seen, updates } = recorder();
    const mirror = edited((p) => (meta(p).annotations = { [CONFIG_MIRROR_ANNOTATION]: 'h' }));
    updates.update(mirror);
    updates.update(edited((p) => (meta(p).annotations = { [CONFIG_MIRROR_ANNOTATION]: 'h' }), echo));
    expect(seen).toEqual(['update uid-1 rv=10', 'update uid-1 rv=11']);
  });
});
