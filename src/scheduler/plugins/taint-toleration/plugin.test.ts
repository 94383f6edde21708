import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { TaintToleration } from './plugin.js';

const node = (taints: Taint[]) => nodeInfo(makeNode('n', { spec: { taints } }));

describe('TaintToleration Filter', () => {
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; reason?: string }[] = [
    { name: 'no taints', taints: [] },
    {
      name: 'untolerated NoSchedule',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      reason: 'node(s) had untolerated taint {dedicated: user1}',
    },
    {
      name: 'untolerated NoExecute without value',
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }],
      reason: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    },
    {
      name: 'tolerated by Equal',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user1', effect: 'NoSchedule' }],
    },
    {
      name: 'value mismatch',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', value: 'user2', effect: 'NoSchedule' }],
      reason: 'node(s) had untolerated taint {dedicated: user1}',
    },
    {
      name: 'tolerated by Exists with empty effect',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoExecute' }],
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    },
    {
      name: 'PreferNoSchedule does not filter',
      taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }],
    },
    {
      name: 'the first untolerated taint is reported',
      taints: [
        { key: 'a', value: '1', effect: 'NoSchedule' },
        { key: 'b', value: '2', effect: 'NoSchedule' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      reason: 'node(s) had untolerated taint {b: 2}',
    },
  ];
  it.each(cases)('$name', ({ taints, tolerations, reason }) => {
    const s = new TaintToleration().filter(
      new CycleState(),
      makePod('p', tolerations ? { tolerations } : {}),
      node(taints),
    );
    expect(s).toEqual(
      reason ? { code: 'UnschedulableAndUnresolvable', reasons: [reason] } : { code: 'Success', reasons: [] },
    );
  });
});

describe('TaintToleration Score', () => {
  it('counts intolerable PreferNoSchedule taints, fewer is better', () => {
    const pod = makePod('p', { tolerations: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }] });
    const nodes = [
      node([]),
      node([{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]),
      node([
        { key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' },
        { key: 'gpu-type', value: 'nvidia', effect: 'PreferNoSchedule' },
        { key: 'foo', value: 'bar', effect: 'PreferNoSchedule' },
        { key: 'x', value: 'y', effect: 'NoSchedule' },
      ]),
    ];
    const pl = new TaintToleration();
    const state = new CycleState();
    pl.preScore(state, pod, nodes);
    const scores = nodes.map((n, i) => ({ name: `n${i}`, score: pl.score(state, pod, n).score }));
    expect(scores.map((s) => s.score)).toEqual([0, 1, 2]);
    pl.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0]);
  });

  it('a NoSchedule toleration does not tolerate PreferNoSchedule taints', () => {
    const pod = makePod('p', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] });
    const pl = new TaintToleration();
    const state = new CycleState();
    const n = node([{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }]);
    pl.preScore(state, pod, [n]);
    expect(pl.score(state, pod, n).score).toBe(1);
  });
});
