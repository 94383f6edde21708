import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('holds a waiting key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.length).toBe(0);
  });

  it('hands a key re-added while processing out again only after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(key ?? '');
    await expect.poll(() => second).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.add('x');
    expect(await next).toBe('x');
  });

  it('backs off exponentially per key until forgotten', async () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 25 });
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('a');
    expect(q.failureCount('a')).toBe(3);
    expect(q.length).toBe(0);
    const started = Date.now();
    expect(await q.get()).toBe('a');
    // The earliest due time wins: the first retry (10ms), not the capped third (25ms).
    expect(Date.now() - started).toBeLessThan(1000);
    q.forget('a');
    expect(q.failureCount('a')).toBe(0);
  });

  it('releases delayed keys when their timer fires even with a frozen clock', async () => {
    const q = new WorkQueue({ baseDelayMs: 5, now: () => 0 });
    q.addAfter('a', 5);
    expect(await q.get()).toBe('a');
  });

  it('answers undefined to workers once shut down', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('a');
    expect(await q.get()).toBeUndefined();
  });
});
