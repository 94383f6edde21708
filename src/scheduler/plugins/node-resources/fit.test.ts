import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { container, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { Fit, nodeResourcesFitFactory } from './fit.js';
import { fitArgs } from './args.js';
import { fakeHandle } from '../testing/fixtures.js';

const pod = (name: string, ...requests: Record<string, string>[]): Pod =>
  makePod(name, { containers: requests.map((r) => container(r)) });
const node = (allocatable: Record<string, string>, pods: Pod[] = []) =>
  nodeInfo(makeNode('n1', { allocatable }), pods);

describe('NodeResourcesFit Filter', () => {
  const alloc = { cpu: '10', memory: '20', pods: '32', 'example.com/foo': '5', 'hugepages-2Mi': '4' };
  const used = [pod('used', { cpu: '5', memory: '19' })];
  const cases: {
    name: string;
    pod: Pod;
    alloc?: Record<string, string>;
    code: string;
    reasons?: string[];
  }[] = [
    { name: 'fits', pod: pod('p', { cpu: '1', memory: '1' }), code: 'Success' },
    { name: 'no request fits', pod: pod('p'), code: 'Success' },
    {
      name: 'cpu short',
      pod: pod('p', { cpu: '6', memory: '1' }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'cpu and memory short, in order',
      pod: pod('p', { cpu: '6', memory: '2' }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
    },
    {
      name: 'an init container larger than the sum counts',
      pod: makePod('p', { initContainers: [container({ cpu: '6' })], containers: [container({ cpu: '1' })] }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'more than the whole node is unresolvable',
      pod: pod('p', { cpu: '11' }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'extended resource short',
      pod: pod('p', { 'example.com/foo': '6' }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient example.com/foo'],
    },
    {
      name: 'extended resource the node lacks',
      pod: pod('p', { 'example.com/bar': '1' }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient example.com/bar'],
    },
    {
      name: 'hugepages short',
      pod: pod('p', { 'hugepages-2Mi': '5' }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient hugepages-2Mi'],
    },
    {
      name: 'ephemeral storage short',
      pod: pod('p', { 'ephemeral-storage': '1' }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient ephemeral-storage'],
    },
    {
      name: 'too many pods, even without requests',
      pod: pod('p'),
      alloc: { ...alloc, pods: '1' },
      code: 'Unschedulable',
      reasons: ['Too many pods'],
    },
    {
      name: 'too many pods comes first',
      pod: pod('p', { cpu: '6' }),
      alloc: { ...alloc, pods: '1' },
      code: 'Unschedulable',
      reasons: ['Too many pods', 'Insufficient cpu'],
    },
  ];
  it.each(cases)('$name', ({ pod: p, alloc: a, code, reasons }) => {
    const pl = new Fit();
    const state = new CycleState();
    pl.preFilter(state, p);
    expect(pl.filter(state, p, node(a ?? alloc, used))).toEqual({ code, reasons: reasons ?? [] });
  });

  it('ignores configured extended resources and groups', () => {
    const p = pod('p', { 'example.com/bar': '1', 'vendor.io/x': '1' });
    const pl = new Fit(
      fitArgs({ ignoredResources: ['example.com/bar'], ignoredResourceGroups: ['vendor.io'] }),
    );
    const state = new CycleState();
    pl.preFilter(state, p);
    expect(pl.filter(state, p, node(alloc)).code).toBe('Success');
  });
});

describe('NodeResourcesFit Score', () => {
  const nodes = [
    nodeInfo(makeNode('n1', { allocatable: { cpu: '4', memory: '10000', pods: '110' } })),
    nodeInfo(makeNode('n2', { allocatable: { cpu: '6', memory: '10000', pods: '110' } })),
  ];
  const p = pod('p', { cpu: '3', memory: '5000' });
  const scores = (args: unknown, target: Pod = p) => {
    const pl = nodeResourcesFitFactory(args, fakeHandle(nodes)) as Fit;
    const state = new CycleState();
    pl.preScore(state, target);
    return nodes.map((n) => pl.score(state, target, n).score);
  };

  it('LeastAllocated (default): differently sized nodes', () => {
    // n1: cpu (4000-3000)·100/4000 = 25, memory 50 → 37; n2: 50, 50 → 50
    expect(scores(undefined)).toEqual([37, 50]);
  });

  it('MostAllocated', () => {
    // n1: cpu 75, memory 50 → 62; n2: 50, 50 → 50
    expect(scores({ scoringStrategy: { type: 'MostAllocated' } })).toEqual([62, 50]);
  });

  it('weights apply', () => {
    // n1: (25·3 + 50·1) / 4 = 31
    const args = {
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 3 },
          { name: 'memory', weight: 1 },
        ],
      },
    };
    expect(scores(args)[0]).toBe(31);
  });

  it('counts 100m / 200Mi for a pod without requests', () => {
    // n1 cpu: (4000-100)·100/4000 = 97; memory 200Mi > 10000 → 0; (97+0)/2 = 48
    expect(scores(undefined, pod('q', {}))[0]).toBe(48);
  });

  it('rejects an unknown strategy and a ratio without shape', () => {
    expect(() => nodeResourcesFitFactory({ scoringStrategy: { type: 'Random' } }, fakeHandle())).toThrow(
      'scoring strategy Random is not supported',
    );
    expect(() =>
      nodeResourcesFitFactory({ scoringStrategy: { type: 'RequestedToCapacityRatio' } }, fakeHandle()),
    ).toThrow(/shape/);
  });
});
