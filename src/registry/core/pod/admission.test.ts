import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { admitDefaultTolerationSeconds } from './admission.js';

const notReady = {
  key: 'node.kubernetes.io/not-ready',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
};
const unreachable = { ...notReady, key: 'node.kubernetes.io/unreachable' };

const admit = (tolerations?: Toleration[]): Toleration[] | undefined => {
  const pod: Pod = { spec: { containers: [], ...(tolerations ? { tolerations } : {}) } };
  admitDefaultTolerationSeconds(pod);
  return pod.spec?.tolerations;
};

describe('DefaultTolerationSeconds', () => {
  it.each<[string, Toleration[] | undefined, Toleration[] | undefined]>([
    ['adds both 300 s tolerations', undefined, [notReady, unreachable]],
    [
      'keeps a toleration the pod has for one of them',
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 5,
        },
      ],
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 5,
        },
        notReady,
      ],
    ],
    ['an any-key, any-effect toleration covers both', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    [
      'a NoSchedule toleration does not count',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
      [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
        notReady,
        unreachable,
      ],
    ],
  ])('%s', (_name, given, want) => {
    expect(admit(given)).toStrictEqual(want);
  });
});
