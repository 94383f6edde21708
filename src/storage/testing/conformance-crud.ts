import { expect, it } from 'vitest';
import { KeyExistsError, KeyNotFoundError, RevisionConflictError, type KeyValue } from '../interface.js';
import type { HarnessRef } from './conformance.js';

const key = '/registry/pods/default/web';

/** Create, read, update, delete and the revision bookkeeping around them. */
export function crudCases(h: HarnessRef): void {
  it('creates a key, reads it back, and refuses to create it twice', async () => {
    const { store } = h();
    expect(await store.get(key)).toBeUndefined();
    const kv = await store.create(key, '{"v":1}');
    expect(kv).toMatchObject({ key, value: '{"v":1}' });
    expect(kv.createRevision).toBe(kv.modRevision);
    expect(await store.get(key)).toEqual(kv);
    const err = await store.create(key, '{"v":2}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyExistsError);
    expect((err as KeyExistsError).key).toBe(key);
    expect(await store.get(key)).toEqual(kv);
  });

  it('updates at the current revision and keeps createRevision', async () => {
    const { store } = h();
    const created = await store.create(key, 'a');
    const first = await store.update(key, 'b', created.modRevision);
    expect(first.value).toBe('b');
    expect(first.createRevision).toBe(created.createRevision);
    expect(first.modRevision).toBeGreaterThan(created.modRevision);
    const second = await store.update(key, 'c', first.modRevision);
    expect(second.createRevision).toBe(created.createRevision);
    expect(second.modRevision).toBeGreaterThan(first.modRevision);
    expect(await store.get(key)).toEqual(second);
  });

  it('rejects an update at a stale revision with the current value', async () => {
    const { store } = h();
    const created = await store.create(key, 'a');
    const updated = await store.update(key, 'b', created.modRevision);
    const err = await store.update(key, 'c', created.modRevision).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevisionConflictError);
    expect((err as RevisionConflictError).key).toBe(key);
    expect((err as RevisionConflictError).current).toEqual(updated);
    expect(await store.get(key)).toEqual(updated);
  });

  it('rejects updates of missing or deleted keys with KeyNotFoundError', async () => {
    const { store } = h();
    await expect(store.update(key, 'a', 1)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(store.update(key, 'a', 0)).rejects.toBeInstanceOf(KeyNotFoundError);
    const created = await store.create(key, 'a');
    await store.delete(key);
    await expect(store.update(key, 'b', created.modRevision)).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await store.get(key)).toBeUndefined();
  });

  it('deletes without a revision and returns the last value at the delete revision', async () => {
    const { store } = h();
    const created = await store.create(key, 'a');
    const updated = await store.update(key, 'b', created.modRevision);
    const deleted = await store.delete(key);
    expect(deleted).toMatchObject({ key, value: 'b', createRevision: created.createRevision });
    expect(deleted.modRevision).toBeGreaterThan(updated.modRevision);
    expect(await store.currentRevision()).toBe(deleted.modRevision);
    expect(await store.get(key)).toBeUndefined();
    const err = await store.delete(key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyNotFoundError);
    expect((err as KeyNotFoundError).key).toBe(key);
  });

  it('deletes with a revision only when it matches', async () => {
    const { store } = h();
    const created = await store.create(key, 'a');
    const updated = await store.update(key, 'b', created.modRevision);
    const err = await store.delete(key, created.modRevision).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevisionConflictError);
    expect((err as RevisionConflictError).current).toEqual(updated);
    expect(await store.get(key)).toEqual(updated);
    const deleted = await store.delete(key, updated.modRevision);
    expect(deleted.value).toBe('b');
    await expect(store.delete(key, deleted.modRevision)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('moves the revision forward by every write, to the write’s modRevision', async () => {
    const { store } = h();
    let last = await store.currentRevision();
    expect(last).toBeGreaterThanOrEqual(0);
    const check = async (kv: KeyValue): Promise<KeyValue> => {
      expect(kv.modRevision).toBeGreaterThan(last);
      expect(await store.currentRevision()).toBe(kv.modRevision);
      last = kv.modRevision;
      return kv;
    };
    const a = await check(await store.create('/registry/a', '1'));
    await check(await store.create('/registry/b', '1'));
    const a2 = await check(await store.update('/registry/a', '2', a.modRevision));
    await check(await store.delete('/registry/a', a2.modRevision));
    const again = await check(await store.create('/registry/a', '3'));
    expect(again.createRevision).toBe(again.modRevision);
    expect(again.createRevision).toBeGreaterThan(a.createRevision);
    // failed writes leave the revision alone
    await store.create('/registry/a', 'x').catch(() => undefined);
    await store.update('/registry/a', 'x', a.modRevision).catch(() => undefined);
    expect(await store.currentRevision()).toBe(last);
  });

  it('lets exactly one of 20 concurrent updates at the same revision win', async () => {
    const { store } = h();
    const created = await store.create(key, 'start');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.update(key, `writer-${i}`, created.modRevision)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) expect(r.reason).toBeInstanceOf(RevisionConflictError);
    const winner = won[0];
    expect((await store.get(key))?.value).toBe(winner?.status === 'fulfilled' ? winner.value.value : '');
  });

  it('lets exactly one of concurrent creates of the same key win', async () => {
    const { store } = h();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.create(key, `creator-${i}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(KeyExistsError);
  });

  it('keeps 1,000 writes (across a reopen, for persistent stores)', { timeout: 120_000 }, async () => {
    const harness = h();
    const names = Array.from({ length: 1000 }, (_, i) => `/registry/bulk/item-${String(i).padStart(4, '0')}`);
    let last = 0;
    for (let i = 0; i < names.length; i += 50) {
      const batch = await Promise.all(
        names.slice(i, i + 50).map((n) => harness.store.create(n, `{"n":"${n}"}`)),
      );
      last = Math.max(last, ...batch.map((kv) => kv.modRevision));
    }
    const store = harness.reopen ? await harness.reopen() : harness.store;
    expect(await store.currentRevision()).toBe(last);
    expect(await store.count('/registry/bulk/')).toBe(1000);
    const all = await store.list('/registry/bulk/');
    expect(all.kvs.map((kv) => kv.key)).toEqual(names);
    expect((await store.get(names[500] ?? ''))?.value).toBe(`{"n":"${names[500]}"}`);
    const next = await store.create('/registry/bulk/after', '{}');
    expect(next.modRevision).toBeGreaterThan(last);
  });
}
