import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { prioritySortLess } from '../framework/extensions.js';
import { FakeClock } from '../testing/fake-clock.js';
import { testPod } from '../testing/fake-plugins.js';
import { SchedulingQueue } from './scheduling-queue.js';

function newQueue() {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ less: prioritySortLess, clock });
  q.run();
  return { clock, q };
}

const popName = async (q: SchedulingQueue) => (await q.pop())?.pod.metadata?.name;

/** Pops `pod` and fails it as rejected by `plugins`. */
async function fail(q: SchedulingQueue, plugins: string[]): Promise<Pod> {
  const info = await q.pop();
  if (!info) throw new Error('queue closed');
  q.addUnschedulableIfNotPresent({ ...info, unschedulablePlugins: new Set(plugins) });
  return info.pod;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by arrival', async () => {
    const { q, clock } = newQueue();
    q.add(testPod('low', { priority: 1 }));
    await clock.advance(10);
    q.add(testPod('high-late', { priority: 10 }));
    q.add(testPod('low-late', { priority: 1 }));
    expect([await popName(q), await popName(q), await popName(q)]).toEqual(['high-late', 'low', 'low-late']);
  });

  it('backs off 1 s doubling to 10 s by attempts', () => {
    const { q } = newQueue();
    expect([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('holds an unschedulable pod until a relevant event, then after its backoff', async () => {
    const { q, clock } = newQueue();
    q.add(testPod('p'));
    await fail(q, ['NodeResourcesFit']);
    expect(q.dump().unschedulable).toEqual(['p']);
    q.moveAllToActiveOrBackoffQueue(['NodeLabelChange']);
    expect(q.dump().unschedulable).toEqual(['p']);
    q.moveAllToActiveOrBackoffQueue(['NodeAdd']);
    expect(q.dump().backoff).toEqual(['p']);
    await clock.advance(999);
    expect(q.dump().backoff).toEqual(['p']);
    await clock.advance(1001);
    expect(q.dump().active).toEqual(['p']);
  });

  it('sends a pod that failed after a relevant in-flight event to backoff, not unschedulable', async () => {
    const { q } = newQueue();
    q.add(testPod('p'));
    const info = await q.pop();
    if (!info) throw new Error('closed');
    q.moveAllToActiveOrBackoffQueue(['NodeAdd']); // arrives while p is being scheduled
    q.addUnschedulableIfNotPresent({ ...info, unschedulablePlugins: new Set(['NodeResourcesFit']) });
    expect(q.dump()).toMatchObject({ backoff: ['p'], unschedulable: [], inFlight: [] });
  });

  it('ignores in-flight events that cannot help', async () => {
    const { q } = newQueue();
    q.add(testPod('p'));
    const info = await q.pop();
    if (!info) throw new Error('closed');
    q.moveAllToActiveOrBackoffQueue(['NodeLabelChange']);
    q.addUnschedulableIfNotPresent({ ...info, unschedulablePlugins: new Set(['NodeResourcesFit']) });
    expect(q.dump().unschedulable).toEqual(['p']);
  });

  it('retries a pod that failed with an error after its backoff, without an event', async () => {
    const { q, clock } = newQueue();
    q.add(testPod('p'));
    await fail(q, []);
    expect(q.dump().backoff).toEqual(['p']);
    await clock.advance(2000);
    expect(await popName(q)).toBe('p');
  });

  it('flushes pods unschedulable for more than 5 minutes', async () => {
    const { q, clock } = newQueue();
    q.add(testPod('p'));
    await fail(q, ['NodeAffinity']);
    await clock.advance(5 * 60_000);
    expect(q.dump().unschedulable).toEqual(['p']);
    await clock.advance(31_000);
    expect(q.dump().active).toEqual(['p']);
  });

  it('moves an unschedulable pod whose spec changed; drops a deleted one', async () => {
    const { q, clock } = newQueue();
    q.add(testPod('p'));
    const old = await fail(q, ['NodeAffinity']);
    q.update(old, { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } });
    await clock.advance(1000);
    expect(q.dump().active).toEqual(['p']);
    q.delete(old);
    expect(q.dump()).toMatchObject({ active: [], backoff: [], unschedulable: [] });
  });

  it('keeps gated pods aside until their scheduling gates are removed', async () => {
    const { q } = newQueue();
    const gated = testPod('g', { schedulingGates: [{ name: 'example.com/wait' }] });
    q.add(gated);
    expect(q.dump().gated).toEqual(['g']);
    q.update(gated, testPod('g'));
    expect(await popName(q)).toBe('g');
  });

  it('wakes a waiting pop, and resolves it with undefined when closed', async () => {
    const { q } = newQueue();
    const waiting = q.pop();
    q.add(testPod('p'));
    expect((await waiting)?.pod.metadata?.name).toBe('p');
    const closed = q.pop();
    q.close();
    expect(await closed).toBeUndefined();
  });
});
