import { describe, expect, it } from 'vitest';
import type { Plugins, Profile } from '../apis/config/types.js';
import { schedulePod } from '../schedule-pod.js';
import {
  FakeBinder,
  FakeFilter,
  FakePostFilter,
  FakeQueueSort,
  FakeReserve,
  FakeScore,
  factoryOf,
  fakeNodeInfo,
  noopHandle,
  snapshotOf,
  testNode,
  testPod,
} from '../testing/fake-plugins.js';
import { fitErrorMessage } from './fit-error.js';
import * as fw from './interface.js';
import { Framework } from './runtime.js';

const names = (...n: string[]) => n.map((name) => ({ name }));

function frameworkWith(plugins: fw.Plugin[], config: Plugins = {}): Framework {
  const all = [new FakeQueueSort(), new FakeBinder(), ...plugins];
  const registry = Object.fromEntries(all.map((p) => [p.name, factoryOf(p)]));
  const profile: Profile = {
    schedulerName: 'default-scheduler',
    plugins: { multiPoint: { enabled: names(...all.map((p) => p.name)) }, ...config },
    pluginConfig: [],
  };
  return new Framework({ profile, registry, handle: noopHandle });
}

const opts = () => ({ percentageOfNodesToScore: 0, cursor: { next: 0 }, random: () => 0 });
const nodes = (...n: string[]) => n.map((name) => fakeNodeInfo(testNode(name)));

describe('Framework + schedulePod', () => {
  it("builds upstream's FitError message: counted reasons, sorted, then PostFilter's", () => {
    const spread = new FakeFilter('PodTopologySpread', (n) =>
      ['n1', 'n2'].includes(n.node.metadata?.name ?? '')
        ? fw.unschedulable("node(s) didn't match pod topology spread constraints")
        : undefined,
    );
    const fit = new FakeFilter('NodeResourcesFit', () => fw.unschedulable('Insufficient cpu'));
    const preemption = new FakePostFilter('DefaultPreemption', {
      nominatedNodeName: '',
      status: fw.unschedulable(
        'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
      ),
    });
    const fwk = frameworkWith([spread, fit, preemption]);
    const snapshot = snapshotOf(nodes('n1', 'n2', 'n3', 'n4', 'n5'));
    const state = new fw.CycleState();
    const r = schedulePod(fwk, state, testPod('p'), snapshot, opts());
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable' || !r.diagnosis) throw new Error('expected a diagnosis');
    const pf = fwk.runPostFilterPlugins(state, testPod('p'), r.diagnosis.nodeToStatus);
    r.diagnosis.postFilterMsg = pf.status.reasons.join(', ');
    expect(fitErrorMessage(r.numAllNodes, r.diagnosis)).toBe(
      "0/5 nodes are available: 2 node(s) didn't match pod topology spread constraints, 3 Insufficient cpu. " +
        'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    );
    expect([...r.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeResourcesFit', 'PodTopologySpread']);
    expect(pf.nominatedNodeName).toBe('');
  });

  it('reports a PreFilter rejection once, not per node', () => {
    const pre = new FakeFilter(
      'NodeAffinity',
      () => undefined,
      () => ({
        status: fw.unresolvable("node(s) didn't match Pod's node affinity/selector"),
      }),
    );
    const r = schedulePod(
      frameworkWith([pre]),
      new fw.CycleState(),
      testPod('p'),
      snapshotOf(nodes('a', 'b')),
      opts(),
    );
    if (r.kind !== 'unschedulable' || !r.diagnosis) throw new Error('expected unschedulable');
    expect(fitErrorMessage(r.numAllNodes, r.diagnosis)).toBe(
      "0/2 nodes are available: node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it('intersects PreFilter node sets; the others count as not satisfying the plugins', () => {
    const a = new FakeFilter(
      'NodeName',
      () => undefined,
      () => ({
        result: { nodeNames: new Set(['a', 'b']) },
        status: fw.success(),
      }),
    );
    const b = new FakeFilter(
      'NodeAffinity',
      (n) => (n.node.metadata?.name === 'b' ? fw.unschedulable('nope') : undefined),
      () => ({
        result: { nodeNames: new Set(['b', 'c']) },
        status: fw.success(),
      }),
    );
    const fwk = frameworkWith([a, b]);
    const r = schedulePod(fwk, new fw.CycleState(), testPod('p'), snapshotOf(nodes('a', 'b', 'c')), opts());
    if (r.kind !== 'unschedulable' || !r.diagnosis) throw new Error('expected unschedulable');
    expect(fitErrorMessage(r.numAllNodes, r.diagnosis)).toBe(
      "0/3 nodes are available: 1 nope, 2 node(s) didn't satisfy plugin(s) [NodeAffinity NodeName].",
    );
    const none = new FakeFilter(
      'NodeName',
      () => undefined,
      () => ({
        result: { nodeNames: new Set(['x']) },
        status: fw.success(),
      }),
    );
    const disjoint = frameworkWith([
      none,
      new FakeFilter(
        'NodeAffinity',
        () => undefined,
        () => ({ result: { nodeNames: new Set(['y']) }, status: fw.success() }),
      ),
    ]);
    const out = disjoint.runPreFilterPlugins(new fw.CycleState(), testPod('p'), []);
    expect(out.status).toEqual(
      fw.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity NodeName] simultaneously"),
    );
  });

  it('skips Filter for plugins whose PreFilter answered Skip', () => {
    const skipped = new FakeFilter(
      'InterPodAffinity',
      () => fw.unschedulable('never'),
      () => ({ status: fw.skip() }),
    );
    const r = schedulePod(
      frameworkWith([skipped]),
      new fw.CycleState(),
      testPod('p'),
      snapshotOf(nodes('a')),
      opts(),
    );
    expect(r).toMatchObject({ kind: 'scheduled', host: 'a' });
    expect(skipped.calls).toBe(0);
  });

  it('scores with NormalizeScore and weights, and skips scoring for a single feasible node', () => {
    let scored = 0;
    const taints = new FakeScore('TaintToleration', (n) => {
      scored++;
      return n.node.metadata?.name === 'a' ? 100 : 0;
    });
    const fit = new FakeScore(
      'NodeResourcesFit',
      (n) => (n.node.metadata?.name === 'b' ? 10 : 5),
      (scores) => {
        for (const s of scores) s.score *= 10;
      },
    );
    const fwk = frameworkWith([taints, fit], {
      multiPoint: {
        enabled: [
          ...names('PrioritySort', 'DefaultBinder', 'NodeResourcesFit'),
          { name: 'TaintToleration', weight: 3 },
        ],
      },
    });
    // a: 100×3 + 50 = 350; b: 0 + 100 = 100
    expect(
      schedulePod(fwk, new fw.CycleState(), testPod('p'), snapshotOf(nodes('a', 'b')), opts()),
    ).toMatchObject({
      kind: 'scheduled',
      host: 'a',
      feasibleNodes: 2,
    });
    const before = scored;
    schedulePod(fwk, new fw.CycleState(), testPod('p'), snapshotOf(nodes('only')), opts());
    expect(scored).toBe(before);
  });

  it('rejects scores outside [0, 100] after normalizing', () => {
    const bad = new FakeScore('ImageLocality', () => 101);
    const r = schedulePod(
      frameworkWith([bad]),
      new fw.CycleState(),
      testPod('p'),
      snapshotOf(nodes('a', 'b')),
      opts(),
    );
    expect(r).toMatchObject({ kind: 'error' });
  });

  it('runs Unreserve in reverse order when a Reserve plugin fails', () => {
    const first = new FakeReserve('VolumeBinding');
    const second = new FakeReserve('Second', () => fw.unschedulable('no room'));
    const fwk = frameworkWith([first, second]);
    const state = new fw.CycleState();
    const s = fwk.runReservePluginsReserve(state, testPod('p'), 'a');
    expect(s).toMatchObject({ code: 'Unschedulable', plugin: 'Second' });
    fwk.runReservePluginsUnreserve(state, testPod('p'), 'a');
    expect(first.log).toEqual(['reserve p@a', 'unreserve p@a']);
    expect(second.log).toEqual(['reserve p@a', 'unreserve p@a']);
  });

  it('binds with the first bind plugin that does not Skip', async () => {
    const skipper = new FakeBinder('SkipBinder', () => fw.skip());
    const fwk = frameworkWith([skipper], { bind: { enabled: names('SkipBinder', 'DefaultBinder') } });
    const s = await fwk.runBindPlugins(new fw.CycleState(), testPod('p'), 'a');
    expect(s).toMatchObject({ code: 'Success', plugin: 'DefaultBinder' });
  });

  it('refuses profiles without a queue sort or a bind plugin', () => {
    const profile: Profile = { schedulerName: 'x', plugins: {}, pluginConfig: [] };
    expect(() => new Framework({ profile, registry: {}, handle: noopHandle })).toThrow(
      'one queue sort plugin required for profile with scheduler name "x"',
    );
    const sortOnly: Profile = { ...profile, plugins: { queueSort: { enabled: names('PrioritySort') } } };
    expect(
      () =>
        new Framework({
          profile: sortOnly,
          registry: { PrioritySort: factoryOf(new FakeQueueSort()) },
          handle: noopHandle,
        }),
    ).toThrow('at least one bind plugin is needed for profile with scheduler name "x"');
  });

  it('tries the nominated node first', () => {
    const f = new FakeFilter('NodeResourcesFit', () => undefined);
    const fwk = frameworkWith([f]);
    const pod = testPod('p', {}, { nominatedNodeName: 'c' });
    const r = schedulePod(fwk, new fw.CycleState(), pod, snapshotOf(nodes('a', 'b', 'c')), opts());
    expect(r).toMatchObject({ kind: 'scheduled', host: 'c' });
    expect(f.calls).toBe(1);
  });
});
