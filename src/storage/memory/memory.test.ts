import { describe, expect, it } from 'vitest';
import { runStorageConformance } from '../testing/conformance.js';
import { EventRecorder } from '../testing/event-recorder.js';
import { MemoryStore } from './memory-store.js';

runStorageConformance('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describe('MemoryStore', () => {
  it('starts empty at revision 0', async () => {
    const store = new MemoryStore();
    expect(await store.currentRevision()).toBe(0);
    expect(await store.compactRevision()).toBe(0);
    expect((await store.create('/a', '1')).modRevision).toBe(1);
  });

  it('ends open watches with an error when closed', async () => {
    const store = new MemoryStore();
    const rec = new EventRecorder();
    await store.watch('/', 0, rec.onEvent, rec.options);
    await store.close();
    expect((await rec.waitForError()).message).toMatch(/closed/);
    await expect(store.get('/a')).rejects.toThrow(/closed/);
  });

  it('hands out copies that cannot alter stored values', async () => {
    const store = new MemoryStore();
    const kv = await store.create('/a', '1');
    kv.value = 'changed';
    const got = await store.get('/a');
    if (got) got.value = 'changed too';
    expect((await store.get('/a'))?.value).toBe('1');
  });

  it('hands every watcher the same event, frozen so none can alter it', async () => {
    const store = new MemoryStore();
    const a = new EventRecorder();
    const b = new EventRecorder();
    await store.watch('/', 0, a.onEvent, a.options);
    await store.watch('/', 0, b.onEvent, b.options);
    const kv = await store.create('/a', '1');
    await store.update('/a', '2', kv.modRevision);
    const [created, updated] = await a.waitForEvents(2);
    expect((await b.waitForEvents(2))[1]).toBe(updated);
    expect(Object.isFrozen(created) && Object.isFrozen(created?.kv)).toBe(true);
    expect(updated?.type === 'update' && Object.isFrozen(updated.prev)).toBe(true);
    expect(() => {
      if (updated) (updated.kv as { value: string }).value = 'changed';
    }).toThrow(TypeError);
    expect((await store.get('/a'))?.value).toBe('2');
    a.stop();
    b.stop();
  });
});
