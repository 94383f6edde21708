import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap } from '../../controlplane/bootstrap.js';
import { builtinResources } from '../../registry/all.js';
import type { KubeObject } from '../../registry/resource.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { Api } from '../api.js';
import type { ObjectEvent, WatchRequest } from './store.js';

const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

async function newApi() {
  const api = new Api({ store: new MemoryStore(), resources: builtinResources });
  await bootstrap(api);
  return api.registry('', 'v1', 'configmaps');
}

type Registry = Awaited<ReturnType<typeof newApi>>;

/** Watches from the current revision, collecting events. */
async function watch(r: Registry, request: Omit<WatchRequest, 'signal'> = {}): Promise<ObjectEvent[]> {
  const abort = new AbortController();
  aborts.push(abort);
  const events: ObjectEvent[] = [];
  const rv = Number((await r.list('default')).resourceVersion);
  await r.watch('default', { ...request, resourceVersion: rv, signal: abort.signal }, (e) => events.push(e));
  return events;
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data }) as KubeObject;

const withData = (obj: KubeObject): KubeObject => ({ ...obj, data: { k: 'v' } }) as KubeObject;

describe('RegistryStore.watch', () => {
  it('gives every watcher its own copy of an event object', async () => {
    const r = await newApi();
    const first = await watch(r);
    const second = await watch(r);
    await r.create('default', cm('a', {}, { k: 'v' }));
    expect(first).toHaveLength(1);
    expect(second[0]?.object).toEqual(first[0]?.object);
    expect(second[0]?.object).not.toBe(first[0]?.object);
    (first[0]?.object as { data: Record<string, string> }).data.k = 'changed';
    expect((second[0]?.object as { data: Record<string, string> }).data.k).toBe('v');
    expect((await r.get('default', 'a')) as unknown).toMatchObject({ data: { k: 'v' } });
  });

  it('offers the object as JSON text, the same for every watcher', async () => {
    const r = await newApi();
    const shared = await watch(r, { readOnly: true });
    const other = await watch(r, { readOnly: true });
    const created = await r.create('default', cm('a'));
    await r.update('default', 'a', withData(created));
    await r.delete('default', 'a');
    expect(shared.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    for (const [i, e] of shared.entries()) {
      expect(e.encoded?.()).toBe(JSON.stringify(e.object));
      expect(other[i]?.encoded?.()).toBe(e.encoded?.());
    }
    const deleted = shared[2]?.object.metadata;
    expect(Number(deleted?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
  });

  it('applies each watcher its own filter to the same write', async () => {
    const r = await newApi();
    const blue = await watch(r, { filter: (o) => o.metadata?.labels?.color === 'blue' });
    const red = await watch(r, { filter: (o) => o.metadata?.labels?.color === 'red' });
    const all = await watch(r);
    const a = await r.create('default', cm('a', { color: 'blue' }));
    const a2 = await r.update('default', 'a', {
      ...a,
      metadata: { ...a.metadata, labels: { color: 'red' } },
    });
    await r.update('default', 'a', withData(a2));
    await r.delete('default', 'a');
    const summary = (events: ObjectEvent[]) =>
      events.map((e) => `${e.type} ${e.object.metadata?.labels?.color ?? ''}`);
    expect(summary(blue)).toEqual(['ADDED blue', 'DELETED red']);
    expect(summary(red)).toEqual(['ADDED red', 'MODIFIED red', 'DELETED red']);
    expect(summary(all)).toEqual(['ADDED blue', 'MODIFIED red', 'MODIFIED red', 'DELETED red']);
  });
});
