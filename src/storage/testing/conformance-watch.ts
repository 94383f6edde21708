import { expect, it } from 'vitest';
import { CompactedError, type WatchEvent } from '../interface.js';
import type { HarnessRef } from './conformance.js';
import { EventRecorder } from './event-recorder.js';

const pods = '/registry/pods/';

function summary(events: readonly WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key.slice(pods.length)}=${e.kv.value}`);
}

/** Watches: history replay, live streaming, prefixes, cancellation, compaction. */
export function watchCases(h: HarnessRef): void {
  it('replays history from a past revision in order, then streams live events', async () => {
    const { store } = h();
    const start = await store.currentRevision();
    const a1 = await store.create(`${pods}a`, 'a1');
    const a2 = await store.update(`${pods}a`, 'a2', a1.modRevision);
    const b1 = await store.create(`${pods}b`, 'b1');
    const aDel = await store.delete(`${pods}a`);
    const rec = new EventRecorder();
    await store.watch(pods, start, rec.onEvent, rec.options);
    try {
      const replayed = await rec.waitForEvents(4);
      expect(summary(replayed)).toEqual(['create a=a1', 'update a=a2', 'create b=b1', 'delete a=a2']);
      expect(replayed[0]).toEqual({ type: 'create', kv: a1 });
      expect(replayed[1]).toEqual({ type: 'update', kv: a2, prev: a1 });
      expect(replayed[3]).toEqual({ type: 'delete', kv: aDel, prev: a2 });
      const b2 = await store.update(`${pods}b`, 'b2', b1.modRevision);
      const c1 = await store.create(`${pods}c`, 'c1');
      const bDel = await store.delete(`${pods}b`, b2.modRevision);
      const all = await rec.waitForEvents(7);
      expect(all.slice(4)).toEqual([
        { type: 'update', kv: b2, prev: b1 },
        { type: 'create', kv: c1 },
        { type: 'delete', kv: bDel, prev: b2 },
      ]);
      const revisions = all.map((e) => e.kv.modRevision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
      expect(new Set(revisions).size).toBe(revisions.length);
      expect(rec.errors).toEqual([]);
    } finally {
      rec.stop();
    }
  });

  it('starts right after the given revision', async () => {
    const { store } = h();
    const a1 = await store.create(`${pods}a`, 'a1');
    const a2 = await store.update(`${pods}a`, 'a2', a1.modRevision);
    const rec = new EventRecorder();
    await store.watch(pods, a1.modRevision, rec.onEvent, rec.options);
    const current = new EventRecorder();
    await store.watch(pods, a2.modRevision, current.onEvent, current.options);
    try {
      await store.create(`${pods}b`, 'b1');
      expect(summary(await rec.waitForEvents(2))).toEqual(['update a=a2', 'create b=b1']);
      expect(summary(await current.waitForEvents(1))).toEqual(['create b=b1']);
      expect(rec.events).toHaveLength(2);
      expect(current.events).toHaveLength(1);
    } finally {
      rec.stop();
      current.stop();
    }
  });

  it('only sees keys under its prefix', async () => {
    const { store } = h();
    const rec = new EventRecorder();
    await store.watch(pods, await store.currentRevision(), rec.onEvent, rec.options);
    try {
      await store.create('/registry/podsx/a', 'no');
      await store.create(`${pods}a`, 'yes-a');
      await store.create('/registry/services/a', 'no');
      await store.create('/registry/pods', 'no');
      await store.create(`${pods}b`, 'yes-b');
      // events arrive in revision order, so once b is here nothing else can still be pending
      await rec.waitForEvents(2);
      expect(summary(rec.events)).toEqual(['create a=yes-a', 'create b=yes-b']);
    } finally {
      rec.stop();
    }
  });

  it('stops delivering once its signal aborts', async () => {
    const { store } = h();
    const stopped = new EventRecorder();
    const sentinel = new EventRecorder();
    const preAborted = new EventRecorder();
    preAborted.stop();
    const from = await store.currentRevision();
    await store.watch(pods, from, stopped.onEvent, stopped.options);
    await store.watch(pods, from, sentinel.onEvent, sentinel.options);
    await store.watch(pods, from, preAborted.onEvent, preAborted.options);
    try {
      await store.create(`${pods}a`, 'a');
      await stopped.waitForEvents(1);
      stopped.stop();
      await store.create(`${pods}b`, 'b');
      await store.create(`${pods}c`, 'c');
      await sentinel.waitForEvents(3);
      expect(summary(stopped.events)).toEqual(['create a=a']);
      expect(stopped.errors).toEqual([]);
      expect(preAborted.events).toEqual([]);
    } finally {
      sentinel.stop();
    }
  });

  it('refuses to watch from a compacted revision', async () => {
    const { store } = h();
    const a1 = await store.create(`${pods}a`, 'a1');
    const a2 = await store.update(`${pods}a`, 'a2', a1.modRevision);
    const a3 = await store.update(`${pods}a`, 'a3', a2.modRevision);
    await store.compact(a2.modRevision);
    const rec = new EventRecorder();
    const err = await store.watch(pods, a1.modRevision, rec.onEvent, rec.options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect(err).toMatchObject({ requested: a1.modRevision, compacted: a2.modRevision });
    const ok = new EventRecorder();
    await store.watch(pods, a2.modRevision, ok.onEvent, ok.options);
    try {
      expect(await ok.waitForEvents(1)).toEqual([{ type: 'update', kv: a3, prev: a2 }]);
    } finally {
      ok.stop();
    }
  });

  it('keeps delivering in order when a handler writes to the store', async () => {
    const { store } = h();
    const from = await store.currentRevision();
    const writer = new EventRecorder();
    const observer = new EventRecorder();
    const reacted = new Promise<void>((resolve, reject) => {
      void store.watch(
        pods,
        from,
        (e) => {
          writer.onEvent(e);
          if (e.kv.key === `${pods}a` && e.type === 'create') {
            store.create(`${pods}reaction`, 'r').then(() => resolve(), reject);
          }
        },
        writer.options,
      );
    });
    await store.watch(pods, from, observer.onEvent, observer.options);
    try {
      await store.create(`${pods}a`, 'a');
      await reacted;
      const seen = await observer.waitForEvents(2);
      expect(summary(seen)).toEqual(['create a=a', 'create reaction=r']);
      expect(summary(await writer.waitForEvents(2))).toEqual(['create a=a', 'create reaction=r']);
    } finally {
      writer.stop();
      observer.stop();
    }
  });
}
