import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { fakeNodeInfo, testNode, testPod } from '../testing/fake-plugins.js';
import { SchedulerCache } from './cache.js';

const on = (pod: Pod, nodeName: string): Pod => ({ ...pod, spec: { ...pod.spec, containers: [], nodeName } });
const podsOn = (c: SchedulerCache, node: string) =>
  c
    .snapshot()
    .get(node)
    ?.pods.map((p) => p.pod.metadata?.name);

function newCache() {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ newNodeInfo: fakeNodeInfo, clock, assumedPodTTLMs: 30_000 });
  cache.addNode(testNode('a'));
  cache.addNode(testNode('b'));
  return { clock, cache };
}

describe('SchedulerCache', () => {
  it('counts assumed pods on their node until the binding fails', () => {
    const { cache } = newCache();
    const p = on(testPod('p'), 'a');
    cache.assumePod(p);
    expect(podsOn(cache, 'a')).toEqual(['p']);
    expect(cache.isAssumed(p)).toBe(true);
    cache.forgetPod(p);
    expect(podsOn(cache, 'a')).toEqual([]);
  });

  it('confirms an assumed pod when the bound pod arrives, even on another node', () => {
    const { cache } = newCache();
    cache.assumePod(on(testPod('p'), 'a'));
    cache.addPod(on(testPod('p'), 'b'));
    expect(cache.isAssumed(testPod('p'))).toBe(false);
    expect(podsOn(cache, 'a')).toEqual([]);
    expect(podsOn(cache, 'b')).toEqual(['p']);
  });

  it('expires assumed pods never confirmed within the TTL after binding', async () => {
    const { cache, clock } = newCache();
    const p = on(testPod('p'), 'a');
    cache.assumePod(p);
    await clock.advance(60_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]); // binding not finished yet
    cache.finishBinding(p);
    await clock.advance(29_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    await clock.advance(1_000);
    expect(cache.cleanupExpiredAssumedPods().map((x) => x.metadata?.name)).toEqual(['p']);
    expect(podsOn(cache, 'a')).toEqual([]);
  });

  it('keeps terminating pods, drops terminal ones', () => {
    const { cache } = newCache();
    const terminating = on(testPod('t'), 'a');
    cache.addPod({
      ...terminating,
      metadata: { ...terminating.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' },
    });
    cache.addPod(on(testPod('done', {}, { phase: 'Succeeded' }), 'a'));
    const running = on(testPod('r'), 'a');
    cache.addPod(running);
    cache.updatePod({ ...running, status: { phase: 'Failed' } });
    expect(podsOn(cache, 'a')).toEqual(['t']);
  });

  it('rebuilds only the NodeInfos that changed', () => {
    const { cache } = newCache();
    const first = cache.snapshot();
    cache.addPod(on(testPod('p'), 'b'));
    const second = cache.snapshot();
    expect(second.get('a')).toBe(first.get('a'));
    expect(second.get('b')).not.toBe(first.get('b'));
  });

  it('walks nodes zone by zone, and forgets removed nodes', () => {
    const cache = new SchedulerCache({ newNodeInfo: fakeNodeInfo });
    const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
    for (const [n, z] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
      ['b2', 'b'],
      ['c1', 'c'],
    ] as const)
      cache.addNode(testNode(n, zone(z)));
    expect(
      cache
        .snapshot()
        .nodeInfos()
        .map((i) => i.node.metadata?.name),
    ).toEqual(['a1', 'b1', 'c1', 'a2', 'b2']);
    cache.removeNode(testNode('b1'));
    expect(
      cache
        .snapshot()
        .nodeInfos()
        .map((i) => i.node.metadata?.name),
    ).toEqual(['a1', 'b2', 'c1', 'a2']);
  });
});
