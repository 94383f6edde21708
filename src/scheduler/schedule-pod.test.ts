import { describe, expect, it } from 'vitest';

import type { Profile } from './apis/config/types.js';
import { CycleState } from './framework/interface.js';
import { Framework } from './framework/runtime.js';
import { numFeasibleNodesToFind, schedulePod } from './schedule-pod.js';
import {
  FakeBinder,
  FakeFilter,
  FakeQueueSort,
  factoryOf,
  fakeNodeInfo,
  noopHandle,
  snapshotOf,
  testNode,
  testPod,
} from './testing/fake-plugins.js';

describe('numFeasibleNodesToFind (percentageOfNodesToScore)', () => {
  it.each<[string, number, number, number]>([
    ['fewer than 100 nodes: all of them', 0, 99, 99],
    ['adaptive at 100 nodes: 50% → 50, raised to the minimum of 100', 0, 100, 100],
    ['adaptive at 1000 nodes: 50 − 8 = 42%', 0, 1000, 420],
    ['adaptive at 5000 nodes: 50 − 40 = 10%', 0, 5000, 500],
    ['adaptive at 6000 nodes: 50 − 48 = 2%, raised to the 5% floor', 0, 6000, 300],
    ['adaptive at 100000 nodes: 5%', 0, 100_000, 5000],
    ['configured 30% of 5000', 30, 5000, 1500],
    ['configured 1% of 5000 is below the minimum of 100 nodes', 1, 5000, 100],
    ['configured 100%', 100, 5000, 5000],
  ])('%s', (_, percentage, numAllNodes, want) => {
    expect(numFeasibleNodesToFind(percentage, numAllNodes)).toBe(want);
  });
});

describe('schedulePod node search', () => {
  const infos = Array.from({ length: 300 }, (_, i) => fakeNodeInfo(testNode(`n${i}`)));
  function frameworkWith(percentageOfNodesToScore?: number) {
    const seen: string[] = [];
    const filter = new FakeFilter('Recorder', (n) => {
      seen.push(n.node.metadata?.name ?? '');
      return { code: 'Success', reasons: [] };
    });
    const plugins = [new FakeQueueSort(), new FakeBinder(), filter];
    const profile: Profile = {
      schedulerName: 'default-scheduler',
      ...(percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore } : {}),
      plugins: { multiPoint: { enabled: plugins.map((p) => ({ name: p.name })) } },
      pluginConfig: [],
    };
    const registry = Object.fromEntries(plugins.map((p) => [p.name, factoryOf(p)]));
    return { fwk: new Framework({ profile, registry, handle: noopHandle }), seen };
  }

  it('stops once enough nodes fit and starts the next search where the last one stopped', () => {
    const { fwk, seen } = frameworkWith();
    const cursor = { next: 0 };
    const o = { percentageOfNodesToScore: 0, cursor, random: () => 0 };
    const snapshot = snapshotOf(infos);
    const first = schedulePod(fwk, new CycleState(), testPod('a'), snapshot, o);
    // 300 nodes, adaptive: 50 − 2 = 48% → 144 nodes.
    expect(first).toMatchObject({ kind: 'scheduled', evaluatedNodes: 144, feasibleNodes: 144 });
    expect(seen[0]).toBe('n0');
    expect(cursor.next).toBe(144);
    seen.length = 0;
    schedulePod(fwk, new CycleState(), testPod('b'), snapshot, o);
    expect(seen[0]).toBe('n144');
    expect(seen.at(-1)).toBe('n287');
    seen.length = 0;
    schedulePod(fwk, new CycleState(), testPod('c'), snapshot, o);
    // Wraps around: n288…n299, then n0…
    expect(seen.slice(0, 13)).toEqual([...Array.from({ length: 12 }, (_, i) => `n${288 + i}`), 'n0']);
    expect(cursor.next).toBe((288 + 144) % 300);
  });

  it("uses the profile's percentage over the configuration's", () => {
    const { fwk } = frameworkWith(100);
    const o = { percentageOfNodesToScore: 10, cursor: { next: 0 }, random: () => 0 };
    const r = schedulePod(fwk, new CycleState(), testPod('a'), snapshotOf(infos), o);
    expect(r).toMatchObject({ kind: 'scheduled', evaluatedNodes: 300 });
    const { fwk: global } = frameworkWith();
    const g = schedulePod(global, new CycleState(), testPod('a'), snapshotOf(infos), o);
    // 10% of 300 = 30, raised to the minimum of 100.
    expect(g).toMatchObject({ kind: 'scheduled', evaluatedNodes: 100 });
  });
});
