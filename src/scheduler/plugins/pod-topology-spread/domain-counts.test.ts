import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import { SchedulerCache } from '../../cache/cache.js';
import { newNodeInfo } from '../../framework/node-info.js';
import { RequiredNodeAffinity } from '../helper/node-affinity.js';
import { filterTopologySpreadConstraints, spreadCountSpec } from './common.js';
import { DomainCounter } from './domain-counts.js';
import { fooBar, makeNode, makePod } from './testing.js';

const constraint = (key: string, extra: Parameters<typeof fooBar>[2] = {}) =>
  filterTopologySpreadConstraints([fooBar(key, 1, extra)], undefined, 'DoNotSchedule')[0]!;

/** A cache with 6 nodes over 3 zones (node z1-b tainted, node z3-a without a zone). */
function newCluster() {
  const cache = new SchedulerCache({ newNodeInfo, assumedPodTTLMs: 0 });
  const taint = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }];
  cache.addNode(makeNode('z1-a', { zone: 'z1' }));
  cache.addNode(makeNode('z1-b', { zone: 'z1' }, taint));
  cache.addNode(makeNode('z2-a', { zone: 'z2' }));
  cache.addNode(makeNode('z2-b', { zone: 'z2', disk: 'ssd' }));
  cache.addNode(makeNode('z3-a', {}));
  cache.addNode(makeNode('z3-b', { zone: 'z3' }));
  return cache;
}

const foo = { foo: 'bar' };
const on = (name: string, nodeName: string, o: Parameters<typeof makePod>[1] = {}): Pod =>
  makePod(name, { labels: foo, nodeName, ...o });

/** Cluster changes, applied in order; the counts are compared after each. */
const steps: [string, (c: SchedulerCache) => void][] = [
  ['nothing yet', () => {}],
  ['a matching pod on z1-a', (c) => c.addPod(on('p1', 'z1-a'))],
  [
    'two on z2-b, one elsewhere',
    (c) => [on('p2', 'z2-b'), on('p3', 'z2-b'), on('p4', 'z3-a')].map((p) => c.addPod(p)),
  ],
  ['a pod of another namespace', (c) => c.addPod(on('p5', 'z1-a', { namespace: 'other' }))],
  ['a pod that does not match', (c) => c.addPod(makePod('p6', { labels: { foo: 'baz' }, nodeName: 'z2-a' }))],
  ['an assumed pod on the tainted node', (c) => c.assumePod(on('p7', 'z1-b'))],
  ['p2 terminating', (c) => c.updatePod(on('p2', 'z2-b', { terminating: true }))],
  ['p3 deleted', (c) => c.removePod(on('p3', 'z2-b'))],
  ['z2-b moves to zone z3', (c) => c.updateNode(makeNode('z2-b', { zone: 'z3', disk: 'ssd' }))],
  ['z2-b back to z2', (c) => c.updateNode(makeNode('z2-b', { zone: 'z2', disk: 'ssd' }))],
  ['z3-b loses its zone label', (c) => c.updateNode(makeNode('z3-b', {}))],
  ['a node added', (c) => c.addNode(makeNode('z4-a', { zone: 'z4' }))],
  ['a pod on it', (c) => c.addPod(on('p8', 'z4-a'))],
  ['z1-a removed', (c) => c.removeNode(makeNode('z1-a', { zone: 'z1' }))],
  ['the assumed pod forgotten', (c) => c.forgetPod(on('p7', 'z1-b'))],
];

describe('DomainCounter', () => {
  const incoming = (o: Parameters<typeof makePod>[1]) => makePod('incoming', { labels: foo, ...o });
  it.each([
    ['zone', constraint('zone'), incoming({})],
    ['node, with the node taints policy', constraint('node', { nodeTaintsPolicy: 'Honor' }), incoming({})],
    ['zone, honoring the pod node selector', constraint('zone'), incoming({ nodeSelector: { disk: 'ssd' } })],
  ])('keeps %s counts equal to a full count through every change', (_, c, pod) => {
    const cache = newCluster();
    const counter = new DomainCounter();
    const spec = spreadCountSpec(c, pod, [c.topologyKey], new RequiredNodeAffinity(pod));
    for (const [step, apply] of steps) {
      apply(cache);
      const snapshot = cache.snapshot();
      const kept = counter.count(snapshot, snapshot.nodeInfos(), spec);
      const fresh = new DomainCounter().count(undefined, snapshot.nodeInfos(), spec);
      expect(Object.fromEntries(kept), step).toEqual(Object.fromEntries(fresh));
    }
  });

  it('counts only what changed since the kept generation, from the snapshot change log', () => {
    const cache = newCluster();
    const first = cache.snapshot();
    cache.addPod(on('p1', 'z1-a'));
    cache.addPod(on('p2', 'z2-a'));
    const second = cache.snapshot();
    cache.addPod(on('p3', 'z2-b'));
    const third = cache.snapshot();
    const g = first.changes!.generation;
    expect([...(second.changes!.since(g) ?? [])].sort()).toEqual(['z1-a', 'z2-a']);
    expect([...(third.changes!.since(g) ?? [])].sort()).toEqual(['z1-a', 'z2-a', 'z2-b']);
    // Asked of an older snapshot, changes made after it are not included.
    expect([...(second.changes!.since(g) ?? [])].sort()).toEqual(['z1-a', 'z2-a']);
    expect(first.changes!.since(third.changes!.generation)).toBeUndefined();
    // A new node starts a new lineage: nothing can be told across it.
    cache.addNode(makeNode('z5-a', { zone: 'z5' }));
    const fourth = cache.snapshot();
    expect(fourth.changes!.lineage).not.toBe(third.changes!.lineage);
    expect(third.changes!.since(g)).toBeUndefined();
  });

  it('lists the nodes with pods that have pod (anti-)affinity', () => {
    const cache = newCluster();
    const anti = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {} }],
      },
    };
    const preferred = {
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, podAffinityTerm: { topologyKey: 'zone', labelSelector: {} } },
        ],
      },
    };
    cache.addPod(on('a', 'z1-a', { affinity: anti }));
    cache.addPod(on('b', 'z2-a', { affinity: preferred }));
    cache.addPod(on('c', 'z3-b'));
    const names = (infos: { node: { metadata?: { name?: string } } }[] | undefined) =>
      (infos ?? []).map((i) => i.node.metadata?.name).sort();
    let s = cache.snapshot();
    expect(names(s.havePodsWithAffinity?.())).toEqual(['z1-a', 'z2-a']);
    expect(names(s.havePodsWithRequiredAntiAffinity?.())).toEqual(['z1-a']);
    cache.removePod(on('a', 'z1-a'));
    s = cache.snapshot();
    expect(names(s.havePodsWithAffinity?.())).toEqual(['z2-a']);
    expect(names(s.havePodsWithRequiredAntiAffinity?.())).toEqual([]);
  });
});
