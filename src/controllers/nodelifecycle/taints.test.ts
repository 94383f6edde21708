import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { planEviction } from './taint-eviction.js';
import { reconcileTaints } from './taints.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const node = (conditions: Partial<NodeCondition>[], extra: Node['spec'] = {}): Node => ({
  metadata: { name: 'n' },
  spec: extra,
  status: { conditions: conditions.map((c) => ({ type: 'Ready', status: 'True', ...c })) },
});

describe('reconcileTaints', () => {
  it.each<[string, Partial<NodeCondition>[], Node['spec'], string[] | undefined]>([
    ['healthy: nothing to do', [{}], {}, undefined],
    [
      'Ready Unknown: unreachable NoSchedule and NoExecute',
      [{ status: 'Unknown' }],
      {},
      ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute'],
    ],
    [
      'Ready False swaps unreachable for not-ready; other taints stay',
      [{ status: 'False' }],
      {
        taints: [
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
          { key: 'mine', effect: 'NoExecute' },
        ],
      },
      ['mine:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute'],
    ],
    [
      'Ready again: the controller taints go',
      [{}],
      {
        taints: [
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
        ],
      },
      [],
    ],
    [
      'pressure conditions and cordon',
      [{}, { type: 'MemoryPressure', status: 'True' }],
      { unschedulable: true },
      ['node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule'],
    ],
  ])('%s', (_name, conditions, spec, want) => {
    const taints = reconcileTaints(node(conditions, spec), NOW);
    expect(taints?.map((t) => `${t.key}:${t.effect}`)).toStrictEqual(want);
  });

  it('stamps NoExecute taints with timeAdded', () => {
    const taints = reconcileTaints(node([{ status: 'Unknown' }]), NOW);
    expect(taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBe('2024-01-01T00:00:00Z');
  });
});

describe('planEviction', () => {
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  it.each([
    ['no NoExecute taint', [{ key: 'x', effect: 'NoSchedule' }], [], { kind: 'none' }],
    ['not tolerated', [unreachable], [], { kind: 'now' }],
    [
      'tolerated for 300 s',
      [unreachable],
      [{ key: unreachable.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      { kind: 'after', ms: 300_000 },
    ],
    [
      'the shortest toleration wins; ≤ 0 means now',
      [unreachable],
      [
        { operator: 'Exists', tolerationSeconds: 600 },
        { key: unreachable.key, operator: 'Exists', tolerationSeconds: -5 },
      ],
      { kind: 'now' },
    ],
    ['tolerated forever', [unreachable], [{ operator: 'Exists' }], { kind: 'none' }],
  ] as const)('%s', (_name, taints, tolerations, want) => {
    expect(planEviction(taints, tolerations)).toStrictEqual(want);
  });
});
