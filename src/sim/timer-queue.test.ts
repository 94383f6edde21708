import { describe, expect, it } from 'vitest';
import { FakeClock } from '../scheduler/testing/fake-clock.js';
import { TimerQueue } from './timer-queue.js';

describe('TimerQueue', () => {
  it('runs entries in due order on a single clock timer, and skips cancelled ones', async () => {
    const clock = new FakeClock(0);
    const q = new TimerQueue(clock);
    const fired: string[] = [];
    for (const [at, name] of [
      [30, 'c'],
      [10, 'a'],
      [20, 'b'],
      [10, 'a2'],
      [40, 'd'],
    ] as const) {
      q.at(at, () => fired.push(`${name}@${clock.now()}`));
    }
    const cancel = q.after(25, () => fired.push('cancelled'));
    cancel();
    expect(clock.pending()).toBe(1);
    await clock.advance(30);
    expect(fired).toEqual(['a@10', 'a2@10', 'b@20', 'c@30']);
    expect(clock.pending()).toBe(1);
    q.stop();
    expect(clock.pending()).toBe(0);
    await clock.advance(100);
    expect(fired).toHaveLength(4);
  });

  it('re-arms for an earlier entry added later, and runs entries added while firing', async () => {
    const clock = new FakeClock(0);
    const q = new TimerQueue(clock);
    const fired: number[] = [];
    q.at(100, () => fired.push(100));
    q.at(50, () => {
      fired.push(50);
      q.after(0, () => fired.push(51));
    });
    await clock.advance(60);
    expect(fired).toEqual([50, 51]);
    await clock.advance(40);
    expect(fired).toEqual([50, 51, 100]);
  });

  it('keeps order over many entries', async () => {
    const clock = new FakeClock(0);
    const q = new TimerQueue(clock);
    const fired: number[] = [];
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const t of times) q.at(t, () => fired.push(t));
    await clock.advance(1000);
    expect(fired).toEqual([...times].sort((a, b) => a - b));
  });
});
