import type { NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { fakeHandle, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import {
  NodeAffinity,
  errReasonConflict,
  errReasonEnforced,
  errReasonPod,
  nodeAffinityFactory,
} from './plugin.js';

const required = (...terms: NodeSelectorTerm[]): Pod =>
  makePod('p', {
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  });
const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({
  key,
  operator,
  ...(values ? { values } : {}),
});
const withSelector = (pod: Pod, nodeSelector: Record<string, string>): Pod => ({
  ...pod,
  spec: { containers: [], ...pod.spec, nodeSelector },
});
const nameIn = (...values: string[]): NodeSelectorTerm => ({
  matchFields: [expr('metadata.name', 'In', values)],
});

describe('NodeAffinity Filter', () => {
  const labels = { zone: 'a', gen: '5', disk: 'ssd' };
  const cases: { name: string; pod: Pod; fits: boolean }[] = [
    { name: 'no constraints', pod: makePod('p'), fits: true },
    { name: 'nodeSelector matches', pod: makePod('p', { nodeSelector: { zone: 'a' } }), fits: true },
    { name: 'nodeSelector mismatch', pod: makePod('p', { nodeSelector: { zone: 'b' } }), fits: false },
    { name: 'In', pod: required({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }), fits: true },
    { name: 'NotIn', pod: required({ matchExpressions: [expr('zone', 'NotIn', ['a'])] }), fits: false },
    { name: 'Exists', pod: required({ matchExpressions: [expr('disk', 'Exists')] }), fits: true },
    {
      name: 'DoesNotExist',
      pod: required({ matchExpressions: [expr('disk', 'DoesNotExist')] }),
      fits: false,
    },
    { name: 'Gt', pod: required({ matchExpressions: [expr('gen', 'Gt', ['4'])] }), fits: true },
    { name: 'Lt', pod: required({ matchExpressions: [expr('gen', 'Lt', ['5'])] }), fits: false },
    {
      name: 'expressions are ANDed',
      pod: required({ matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'In', ['hdd'])] }),
      fits: false,
    },
    {
      name: 'terms are ORed',
      pod: required(
        { matchExpressions: [expr('zone', 'In', ['b'])] },
        { matchExpressions: [expr('disk', 'Exists')] },
      ),
      fits: true,
    },
    { name: 'an empty term matches nothing', pod: required({}), fits: false },
    { name: 'matchFields metadata.name', pod: required(nameIn('n1')), fits: true },
    { name: 'matchFields other name', pod: required(nameIn('n2')), fits: false },
    {
      name: 'an invalid term is ignored, the others still count',
      pod: required(
        { matchExpressions: [expr('gen', 'Gt', ['x'])] },
        { matchExpressions: [expr('zone', 'In', ['a'])] },
      ),
      fits: true,
    },
    {
      name: 'nodeSelector AND affinity',
      pod: withSelector(required({ matchExpressions: [expr('zone', 'In', ['a'])] }), { disk: 'hdd' }),
      fits: false,
    },
  ];
  it.each(cases)('$name', ({ pod, fits }) => {
    const pl = new NodeAffinity();
    const state = new CycleState();
    pl.preFilter(state, pod);
    const s = pl.filter(state, pod, nodeInfo(makeNode('n1', { labels })));
    expect(s).toEqual(
      fits
        ? { code: 'Success', reasons: [] }
        : { code: 'UnschedulableAndUnresolvable', reasons: [errReasonPod] },
    );
  });

  it('enforces addedAffinity with its own reason', () => {
    const pl = nodeAffinityFactory(
      {
        addedAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['b'])] }],
          },
        },
      },
      fakeHandle(),
    ) as NodeAffinity;
    const pod = makePod('p');
    const state = new CycleState();
    expect(pl.preFilter(state, pod).status.code).toBe('Success');
    expect(pl.filter(state, pod, nodeInfo(makeNode('n1', { labels })))).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: [errReasonEnforced],
    });
  });
});

describe('NodeAffinity PreFilter', () => {
  const cases: { name: string; pod: Pod; code: string; nodeNames?: string[] }[] = [
    { name: 'skips a pod without constraints', pod: makePod('p'), code: 'Skip' },
    {
      name: 'no narrowing for label terms',
      pod: required({ matchExpressions: [expr('zone', 'In', ['a'])] }),
      code: 'Success',
    },
    {
      name: 'one term pins names',
      pod: required(nameIn('n1', 'n2')),
      code: 'Success',
      nodeNames: ['n1', 'n2'],
    },
    {
      name: 'requirements in a term intersect',
      pod: required({
        matchFields: [expr('metadata.name', 'In', ['n1', 'n2']), expr('metadata.name', 'In', ['n2', 'n3'])],
      }),
      code: 'Success',
      nodeNames: ['n2'],
    },
    {
      name: 'terms unite',
      pod: required(nameIn('n1'), nameIn('n3')),
      code: 'Success',
      nodeNames: ['n1', 'n3'],
    },
    {
      name: 'a term without a name pin allows all nodes',
      pod: required(nameIn('n1'), { matchExpressions: [expr('zone', 'Exists')] }),
      code: 'Success',
    },
    {
      name: 'conflicting pins',
      pod: required({
        matchFields: [expr('metadata.name', 'In', ['n1']), expr('metadata.name', 'In', ['n2'])],
      }),
      code: 'UnschedulableAndUnresolvable',
    },
  ];
  it.each(cases)('$name', ({ pod, code, nodeNames }) => {
    const { result, status } = new NodeAffinity().preFilter(new CycleState(), pod);
    expect(status.code).toBe(code);
    if (code === 'UnschedulableAndUnresolvable') expect(status.reasons).toEqual([errReasonConflict]);
    expect(result?.nodeNames ? [...result.nodeNames].sort() : undefined).toEqual(nodeNames);
  });
});

describe('NodeAffinity Score', () => {
  const pod = makePod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 2, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } },
          { weight: 4, preference: { matchExpressions: [expr('key', 'In', ['value'])] } },
          { weight: 0, preference: { matchExpressions: [expr('foo', 'Exists')] } },
        ],
      },
    },
  });
  it('sums matching weights and normalizes to 0..100', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { labels: { foo: 'bar' } })),
      nodeInfo(makeNode('n2', { labels: { key: 'value' } })),
      nodeInfo(makeNode('n3', { labels: { foo: 'bar', key: 'value' } })),
      nodeInfo(makeNode('n4')),
    ];
    const pl = new NodeAffinity();
    const state = new CycleState();
    expect(pl.preScore(state, pod, nodes).code).toBe('Success');
    const scores = nodes.map((n) => ({
      name: n.node.metadata?.name ?? '',
      score: pl.score(state, pod, n).score,
    }));
    expect(scores.map((s) => s.score)).toEqual([2, 4, 6, 0]);
    pl.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([33, 66, 100, 0]);
  });

  it('PreScore skips a pod without preferences', () => {
    expect(new NodeAffinity().preScore(new CycleState(), makePod('p'), [nodeInfo(makeNode('n1'))]).code).toBe(
      'Skip',
    );
  });
});
