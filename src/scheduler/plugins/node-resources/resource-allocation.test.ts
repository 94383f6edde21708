import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { container, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { BalancedAllocation } from './balanced-allocation.js';
import { fitArgs } from './args.js';
import { Fit } from './fit.js';
import {
  balancedResourceScorer,
  brokenLinearFunction,
  leastRequestedScore,
  mostRequestedScore,
} from './resource-allocation.js';

describe('per-resource scores', () => {
  it.each([
    { req: 0, cap: 4000, least: 100, most: 0 },
    { req: 3000, cap: 4000, least: 25, most: 75 },
    { req: 5000, cap: 4000, least: 0, most: 100 },
    { req: 1, cap: 0, least: 0, most: 0 },
  ])('requested $req of $cap', ({ req, cap, least, most }) => {
    expect(leastRequestedScore(req, cap)).toBe(least);
    expect(mostRequestedScore(req, cap)).toBe(most);
  });

  it('broken linear function interpolates and is flat outside the points', () => {
    const f = brokenLinearFunction([
      { utilization: 10, score: 10 },
      { utilization: 50, score: 90 },
      { utilization: 90, score: 30 },
    ]);
    expect([0, 10, 30, 50, 70, 90, 100].map(f)).toEqual([10, 10, 50, 90, 60, 30, 30]);
  });

  it('balanced: 1 − std, two resources use |a−b|/2, more use the population std', () => {
    expect(balancedResourceScorer([3000, 5000], [4000, 10000])).toBe(87); // std 0.125
    expect(balancedResourceScorer([3000, 5000], [6000, 10000])).toBe(100);
    expect(balancedResourceScorer([1, 1, 0], [1, 2, 4])).toBe(59); // fractions 1, .5, 0 → std .408
    expect(balancedResourceScorer([8, 1], [4, 2])).toBe(75); // fraction capped at 1
  });
});

describe('RequestedToCapacityRatio (the docs example, scores scaled ×10)', () => {
  it('weighs extended, memory and cpu utilization through the shape', () => {
    const Mi = 'Mi';
    const node = nodeInfo(
      makeNode('n1', { allocatable: { 'intel.com/foo': '4', memory: `1024${Mi}`, cpu: '8', pods: '110' } }),
      [makePod('used', { containers: [container({ 'intel.com/foo': '1', memory: `256${Mi}`, cpu: '1' })] })],
    );
    const pod = makePod('p', {
      containers: [container({ 'intel.com/foo': '2', memory: `256${Mi}`, cpu: '2' })],
    });
    const pl = new Fit(
      fitArgs({
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          resources: [
            { name: 'intel.com/foo', weight: 5 },
            { name: 'memory', weight: 1 },
            { name: 'cpu', weight: 3 },
          ],
          requestedToCapacityRatio: {
            shape: [
              { utilization: 0, score: 0 },
              { utilization: 100, score: 10 },
            ],
          },
        },
      }),
    );
    const state = new CycleState();
    pl.preScore(state, pod);
    // foo 3/4 → 75, memory 512Mi/1Gi → 50, cpu 3/8 → 37: round((75·5 + 50·1 + 37·3) / 9) = 60
    expect(pl.score(state, pod, node).score).toBe(60);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  const nodes = [
    nodeInfo(makeNode('n1', { allocatable: { cpu: '4', memory: '10000', pods: '110' } })),
    nodeInfo(makeNode('n2', { allocatable: { cpu: '6', memory: '10000', pods: '110' } })),
  ];
  it('differently sized nodes: 87 and 100', () => {
    const pod = makePod('p', { containers: [container({ cpu: '3', memory: '5000' })] });
    const pl = new BalancedAllocation();
    const state = new CycleState();
    expect(pl.preScore(state, pod).code).toBe('Success');
    expect(nodes.map((n) => pl.score(state, pod, n).score)).toEqual([87, 100]);
  });

  it('uses real requests: the node pods without requests add nothing', () => {
    const node = nodeInfo(makeNode('n1', { allocatable: { cpu: '4', memory: '10000', pods: '110' } }), [
      makePod('be'),
    ]);
    const pod = makePod('p', { containers: [container({ cpu: '2', memory: '5000' })] });
    const pl = new BalancedAllocation();
    const state = new CycleState();
    pl.preScore(state, pod);
    expect(pl.score(state, pod, node).score).toBe(100);
  });

  it('skips best-effort pods', () => {
    expect(new BalancedAllocation().preScore(new CycleState(), makePod('p')).code).toBe('Skip');
  });
});
