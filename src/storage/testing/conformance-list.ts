import { expect, it } from 'vitest';
import { CompactedError, FutureRevisionError, type Store } from '../interface.js';
import type { HarnessRef } from './conformance.js';

const pods = '/registry/pods/';

async function createAll(store: Store, keys: readonly string[]): Promise<void> {
  for (const k of keys) await store.create(k, JSON.stringify({ k }));
}

/** Listing by prefix, at older revisions, page by page; counting; compaction's effect on reads. */
export function listCases(h: HarnessRef): void {
  it('lists the keys under a prefix in key order, and only those', async () => {
    const { store } = h();
    await createAll(store, [
      '/registry/podsx/default/a',
      `${pods}kube-system/dns`,
      `${pods}default/web-10`,
      '/registry/pods',
      `${pods}default/web-2`,
      '/registry/services/default/web',
      `${pods}default/web-1`,
    ]);
    const result = await store.list(pods);
    expect(result.kvs.map((kv) => kv.key)).toEqual([
      `${pods}default/web-1`,
      `${pods}default/web-10`,
      `${pods}default/web-2`,
      `${pods}kube-system/dns`,
    ]);
    expect(result.kvs[0]?.value).toBe(JSON.stringify({ k: `${pods}default/web-1` }));
    expect(result.revision).toBe(await store.currentRevision());
    expect(result.more).toBe(false);
    expect((await store.list('/registry/nothing/')).kvs).toEqual([]);
    expect((await store.list('/registry/')).kvs).toHaveLength(7);
  });

  it('counts the live keys under a prefix', async () => {
    const { store } = h();
    expect(await store.count(pods)).toBe(0);
    await createAll(store, [`${pods}a`, `${pods}b`, `${pods}c`, '/registry/podsx/a']);
    await store.delete(`${pods}b`);
    expect(await store.count(pods)).toBe(2);
    expect(await store.count('/registry/')).toBe(3);
  });

  it('lists at an older revision as the store was then', async () => {
    const { store } = h();
    const a = await store.create(`${pods}a`, 'a1');
    const b = await store.create(`${pods}b`, 'b1');
    const then = await store.currentRevision();
    await store.update(`${pods}a`, 'a2', a.modRevision);
    await store.delete(`${pods}b`);
    await store.create(`${pods}c`, 'c1');
    const old = await store.list(pods, { revision: then });
    expect(old.revision).toBe(then);
    expect(old.kvs).toEqual([a, b]);
    const now = await store.list(pods);
    expect(now.kvs.map((kv) => [kv.key, kv.value])).toEqual([
      [`${pods}a`, 'a2'],
      [`${pods}c`, 'c1'],
    ]);
  });

  it('pages with limit and startAfter, reporting more and remaining', async () => {
    const { store } = h();
    const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `${pods}${k}`);
    await createAll(store, keys);
    const at = await store.currentRevision();
    const page1 = await store.list(pods, { limit: 2 });
    expect(page1.kvs.map((kv) => kv.key)).toEqual(keys.slice(0, 2));
    expect(page1).toMatchObject({ more: true, remaining: 3, revision: at });
    // a write between pages must not show up in later pages read at the first page's revision
    await store.create(`${pods}bb`, 'late');
    const page2 = await store.list(pods, { limit: 2, startAfter: keys[1], revision: page1.revision });
    expect(page2.kvs.map((kv) => kv.key)).toEqual(keys.slice(2, 4));
    expect(page2).toMatchObject({ more: true, remaining: 1, revision: at });
    const page3 = await store.list(pods, { limit: 2, startAfter: keys[3], revision: page1.revision });
    expect(page3.kvs.map((kv) => kv.key)).toEqual(keys.slice(4));
    expect(page3.more).toBe(false);
    expect(page3.remaining).toBeUndefined();
    const exact = await store.list(pods, { limit: 6 });
    expect(exact.kvs).toHaveLength(6);
    expect(exact.more).toBe(false);
    const tail = await store.list(pods, { startAfter: `${pods}c` });
    expect(tail.kvs.map((kv) => kv.key)).toEqual(keys.slice(3));
  });

  it('compacts history but keeps the latest value of every live key', async () => {
    const { store } = h();
    const a1 = await store.create(`${pods}a`, 'a1');
    const a2 = await store.update(`${pods}a`, 'a2', a1.modRevision);
    await store.create(`${pods}gone`, 'x');
    await store.delete(`${pods}gone`);
    const kept = await store.create(`${pods}kept`, 'k1');
    const a3 = await store.update(`${pods}a`, 'a3', a2.modRevision);
    await store.compact(a3.modRevision - 1);
    expect(await store.compactRevision()).toBe(a3.modRevision - 1);
    const err = await store.list(pods, { revision: a2.modRevision }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect(err).toMatchObject({ requested: a2.modRevision, compacted: a3.modRevision - 1 });
    const atCompact = await store.list(pods, { revision: a3.modRevision - 1 });
    expect(atCompact.kvs.map((kv) => kv.value)).toEqual(['a2', 'k1']);
    expect((await store.list(pods)).kvs.map((kv) => kv.value)).toEqual(['a3', 'k1']);
    expect(await store.get(`${pods}kept`)).toEqual(kept);
    await store.compact(a1.modRevision); // older than the compact revision: nothing to do
    expect(await store.compactRevision()).toBe(a3.modRevision - 1);
    // the surviving version can still be updated and deleted with its revision
    await store.delete(`${pods}kept`, kept.modRevision);
    await store.compact(await store.currentRevision());
    expect((await store.list(pods)).kvs.map((kv) => kv.value)).toEqual(['a3']);
    expect(await store.count(pods)).toBe(1);
  });

  it('refuses to read at a revision it has not reached', async () => {
    const { store } = h();
    await store.create(`${pods}a`, 'a');
    const current = await store.currentRevision();
    const err = await store.list(pods, { revision: current + 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FutureRevisionError);
    expect(err).toMatchObject({ requested: current + 1000 });
    await expect(store.compact(current + 1000)).rejects.toBeInstanceOf(FutureRevisionError);
    expect(await store.compactRevision()).toBeLessThan(current + 1000);
  });
}
