import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { type Logger, pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound } from '../../apimachinery/errors.js';
import { Api } from '../../apiserver/api.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { KubeObject, ResourceType } from '../../registry/resource.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { GarbageCollector } from './controller.js';

const resource = (group: string, kind: string, plural: string, namespaced: boolean): ResourceType => ({
  group,
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  shortNames: [],
  namespaced,
  categories: [],
  subresources: [],
  definition: `io.k8s.api.core.v1.${kind}`,
  strategy: {},
});

const resources = [
  resource('', 'Namespace', 'namespaces', false),
  resource('', 'ConfigMap', 'configmaps', true),
  resource('', 'Secret', 'secrets', true),
  resource('', 'PersistentVolume', 'persistentvolumes', false),
];

const logger = pino({ level: 'silent' });
const aborts: AbortController[] = [];

afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

interface Cluster {
  api: Api;
  configmaps: RegistryStore;
  secrets: RegistryStore;
  volumes: RegistryStore;
  startGC(log?: Logger): Promise<void>;
}

async function cluster(): Promise<Cluster> {
  const api = new Api({ store: new MemoryStore(), resources });
  await api.registry('', 'v1', 'namespaces').create('', { metadata: { name: 'default' } });
  return {
    api,
    configmaps: api.registry('', 'v1', 'configmaps'),
    secrets: api.registry('', 'v1', 'secrets'),
    volumes: api.registry('', 'v1', 'persistentvolumes'),
    async startGC(log = logger) {
      const abort = new AbortController();
      aborts.push(abort);
      await new GarbageCollector({ api, logger: log, resyncMs: 60_000 }).start(abort.signal);
    },
  };
}

const ref = (owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: owner.apiVersion ?? '',
  kind: owner.kind ?? '',
  name: owner.metadata?.name ?? '',
  uid: owner.metadata?.uid ?? '',
  ...extra,
});

const make = (registry: RegistryStore, name: string, owners: OwnerReference[] = [], finalizers?: string[]) =>
  registry.create('default', {
    metadata: {
      name,
      ...(owners.length ? { ownerReferences: owners } : {}),
      ...(finalizers ? { finalizers } : {}),
    },
  });

/** The object, or undefined once it is gone. */
async function find(registry: RegistryStore, name: string): Promise<KubeObject | undefined> {
  try {
    return await registry.get('default', name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const exists = async (registry: RegistryStore, name: string) => (await find(registry, name)) !== undefined;

describe('GarbageCollector', () => {
  it('cascades a background deletion down the ownership chain', async () => {
    const c = await cluster();
    await c.startGC();
    const owner = await make(c.configmaps, 'owner');
    const child = await make(c.secrets, 'child', [ref(owner)]);
    await make(c.configmaps, 'grandchild', [ref(child)]);
    await make(c.configmaps, 'bystander');

    await c.configmaps.delete('default', 'owner');

    await expect.poll(() => exists(c.secrets, 'child')).toBe(false);
    await expect.poll(() => exists(c.configmaps, 'grandchild')).toBe(false);
    expect(await exists(c.configmaps, 'bystander')).toBe(true);
  });

  it('keeps a dependent with another live owner, dropping the reference to the gone one', async () => {
    const c = await cluster();
    await c.startGC();
    const a = await make(c.configmaps, 'a');
    const b = await make(c.configmaps, 'b');
    await make(c.secrets, 'shared', [ref(a), ref(b)]);

    await c.configmaps.delete('default', 'a');

    await expect
      .poll(async () => (await find(c.secrets, 'shared'))?.metadata?.ownerReferences?.map((r) => r.name))
      .toEqual(['b']);

    await c.configmaps.delete('default', 'b');
    await expect.poll(() => exists(c.secrets, 'shared')).toBe(false);
  });

  it('orphans dependents: references removed, owner gone', async () => {
    const c = await cluster();
    await c.startGC();
    const owner = await make(c.configmaps, 'owner');
    const other = await make(c.configmaps, 'other');
    await make(c.secrets, 'only', [ref(owner)]);
    await make(c.secrets, 'both', [ref(owner), ref(other)]);

    const res = await c.configmaps.delete('default', 'owner', { propagationPolicy: 'Orphan' });
    expect(res.deleted).toBe(false);

    await expect.poll(() => exists(c.configmaps, 'owner')).toBe(false);
    const only = await find(c.secrets, 'only');
    expect(only).toBeDefined();
    expect(only?.metadata?.ownerReferences).toBeUndefined();
    expect((await find(c.secrets, 'both'))?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['other']);
  });

  it('deletes dependents first in a foreground deletion, keeping the owner while one blocks', async () => {
    const c = await cluster();
    await c.startGC();
    const owner = await make(c.configmaps, 'owner');
    await make(c.secrets, 'blocking', [ref(owner, { blockOwnerDeletion: true })], ['example.com/hold']);
    await make(c.secrets, 'plain', [ref(owner)]);

    await c.configmaps.delete('default', 'owner', { propagationPolicy: 'Foreground' });

    await expect.poll(() => exists(c.secrets, 'plain')).toBe(false);
    await expect
      .poll(async () => (await find(c.secrets, 'blocking'))?.metadata?.deletionTimestamp)
      .toBeDefined();
    const waiting = await find(c.configmaps, 'owner');
    expect(waiting?.metadata?.deletionTimestamp).toBeDefined();
    expect(waiting?.metadata?.finalizers).toEqual(['foregroundDeletion']);

    // The blocking dependent goes once its own finalizer is removed; then the owner goes.
    await c.secrets.guaranteedUpdate('default', 'blocking', (obj) => {
      delete obj.metadata?.finalizers;
      return obj;
    });
    await expect.poll(() => exists(c.secrets, 'blocking')).toBe(false);
    await expect.poll(() => exists(c.configmaps, 'owner')).toBe(false);
  });

  it('deletes a blocking dependent that has dependents of its own in the foreground', async () => {
    const c = await cluster();
    await c.startGC();
    const owner = await make(c.configmaps, 'owner');
    const middle = await make(c.secrets, 'middle', [ref(owner, { blockOwnerDeletion: true })]);
    await make(c.configmaps, 'leaf', [ref(middle, { blockOwnerDeletion: true })], ['example.com/hold']);

    await c.configmaps.delete('default', 'owner', { propagationPolicy: 'Foreground' });

    await expect
      .poll(async () => (await find(c.secrets, 'middle'))?.metadata?.finalizers)
      .toEqual(['foregroundDeletion']);
    await expect
      .poll(async () => (await find(c.configmaps, 'leaf'))?.metadata?.deletionTimestamp)
      .toBeDefined();
    expect(await exists(c.configmaps, 'owner')).toBe(true);

    await c.configmaps.guaranteedUpdate('default', 'leaf', (obj) => {
      delete obj.metadata?.finalizers;
      return obj;
    });
    await expect.poll(() => exists(c.configmaps, 'owner')).toBe(false);
    expect(await exists(c.secrets, 'middle')).toBe(false);
    expect(await exists(c.configmaps, 'leaf')).toBe(false);
  });

  it('collects dependents whose owners are already gone at start-up', async () => {
    const c = await cluster();
    const volume = await c.volumes.create('', { metadata: { name: 'pv' } });
    const owner = await make(c.configmaps, 'owner');
    await make(c.secrets, 'orphaned', [ref(owner)]);
    await make(c.secrets, 'renamed', [ref(owner, { uid: 'not-the-owner-uid' })]);
    await make(c.secrets, 'cluster-owned', [ref(volume)]);
    await c.configmaps.delete('default', 'owner');

    await c.startGC();

    await expect.poll(() => exists(c.secrets, 'orphaned')).toBe(false);
    await expect.poll(() => exists(c.secrets, 'renamed')).toBe(false);
    // The cluster-scoped owner resolves by name and uid from a namespaced dependent.
    expect(await exists(c.secrets, 'cluster-owned')).toBe(true);
    await c.volumes.delete('', 'pv');
    await expect.poll(() => exists(c.secrets, 'cluster-owned')).toBe(false);
  });

  it('leaves a cluster-scoped object naming a namespaced owner alone', async () => {
    const c = await cluster();
    const owner = await make(c.configmaps, 'owner');
    await c.volumes.create('', { metadata: { name: 'pv', ownerReferences: [ref(owner)] } });
    const lines: string[] = [];
    await c.startGC(pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));

    await c.configmaps.delete('default', 'owner');

    await expect.poll(() => lines.some((l) => l.includes('invalid owner reference'))).toBe(true);
    expect((await c.volumes.get('', 'pv')).metadata?.ownerReferences).toHaveLength(1);
  });
});
