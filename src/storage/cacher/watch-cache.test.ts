import { describe, expect, it } from 'vitest';
import type { Store, WatchEvent, WatchOptions } from '../interface.js';
import { MemoryStore } from '../memory/memory-store.js';
import { runStorageConformance } from '../testing/conformance.js';
import { EventRecorder } from '../testing/event-recorder.js';
import { WatchCache } from './watch-cache.js';

runStorageConformance('watch cache over memory', async () => {
  const store = await WatchCache.open(new MemoryStore());
  return { store, cleanup: () => store.close() };
});

runStorageConformance('watch cache over memory, window of 2', async () => {
  const store = await WatchCache.open(new MemoryStore(), { capacity: 2 });
  return { store, cleanup: () => store.close() };
});

/** A backend that counts the watches opened on it. */
function counting(backend: Store): { store: Store; watches: () => number } {
  let n = 0;
  const store = Object.create(backend) as Store;
  store.watch = (prefix: string, from: number, onEvent: (e: WatchEvent) => void, options: WatchOptions) => {
    n++;
    return backend.watch(prefix, from, onEvent, options);
  };
  return { store, watches: () => n };
}

describe('WatchCache', () => {
  it('serves every watch inside its window from one backend watch', async () => {
    const backend = counting(new MemoryStore());
    const cache = await WatchCache.open(backend.store);
    const base = (await cache.create('/registry/pods/a', '1')).modRevision - 1;
    await cache.create('/registry/pods/b', '2');
    await cache.create('/registry/nodes/n', '3');
    const pods = new EventRecorder();
    const all = new EventRecorder();
    await cache.watch('/registry/pods/', base, pods.onEvent, pods.options);
    await cache.watch('/registry/', base + 1, all.onEvent, all.options);
    await cache.update('/registry/pods/a', '1b', base + 1);
    expect((await pods.waitForEvents(3)).map((e) => e.kv.key)).toEqual([
      '/registry/pods/a',
      '/registry/pods/b',
      '/registry/pods/a',
    ]);
    expect((await all.waitForEvents(3)).map((e) => `${e.type} ${e.kv.key}`)).toEqual([
      'create /registry/pods/b',
      'create /registry/nodes/n',
      'update /registry/pods/a',
    ]);
    expect(backend.watches()).toBe(1);
    await cache.close();
  });

  it('sends a watch from before its window to the backend', async () => {
    const backend = counting(new MemoryStore());
    await backend.store.create('/a', '1');
    await backend.store.create('/b', '2');
    const cache = await WatchCache.open(backend.store, { capacity: 1 });
    await cache.create('/c', '3');
    await cache.create('/d', '4');
    const rec = new EventRecorder();
    await cache.watch('/', 0, rec.onEvent, rec.options);
    expect((await rec.waitForEvents(4)).map((e) => e.kv.key)).toEqual(['/a', '/b', '/c', '/d']);
    expect(backend.watches()).toBe(2);
    await cache.close();
  });

  it('lets a watcher ahead of the feed skip what it has already read', async () => {
    const backend = new MemoryStore();
    const cache = await WatchCache.open(backend);
    // written behind the cache's back, synchronously visible to the backend before the feed runs
    const rev = (await backend.create('/x', '1')).modRevision;
    const rec = new EventRecorder();
    await cache.watch('/', rev, rec.onEvent, rec.options);
    await cache.create('/y', '2');
    expect((await rec.waitForEvents(1)).map((e) => e.kv.key)).toEqual(['/y']);
    await cache.close();
  });
});
