import type { Toleration } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { NodeUnschedulable } from './plugin.js';

describe('NodeUnschedulable', () => {
  const unschedulableToleration: Toleration = {
    key: 'node.kubernetes.io/unschedulable',
    operator: 'Exists',
    effect: 'NoSchedule',
  };
  const cases: { name: string; unschedulable: boolean; tolerations?: Toleration[]; code: string }[] = [
    { name: 'schedulable node', unschedulable: false, code: 'Success' },
    { name: 'cordoned node rejects', unschedulable: true, code: 'UnschedulableAndUnresolvable' },
    {
      name: 'cordoned node admits a tolerating pod',
      unschedulable: true,
      tolerations: [unschedulableToleration],
      code: 'Success',
    },
    {
      name: 'an Exists-everything toleration tolerates it',
      unschedulable: true,
      tolerations: [{ operator: 'Exists' }],
      code: 'Success',
    },
    {
      name: 'a NoExecute toleration does not',
      unschedulable: true,
      tolerations: [{ ...unschedulableToleration, effect: 'NoExecute' }],
      code: 'UnschedulableAndUnresolvable',
    },
  ];
  it.each(cases)('$name', ({ unschedulable, tolerations, code }) => {
    const node = nodeInfo(makeNode('n1', { spec: { unschedulable } }));
    const s = new NodeUnschedulable().filter(
      new CycleState(),
      makePod('p', tolerations ? { tolerations } : {}),
      node,
    );
    expect(s.code).toBe(code);
    if (code !== 'Success') expect(s.reasons).toEqual(['node(s) were unschedulable']);
  });
});
