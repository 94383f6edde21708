import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ObjectEvent, RegistryStore, WatchRequest } from '../../apiserver/generic-registry/store.js';
import type { KubeObject, ResourceType } from '../../registry/resource.js';
import { Graph } from './graph.js';
import { GraphBuilder } from './graph-builder.js';
import { ReferenceCache } from './reference-cache.js';
import { WorkQueue } from './work-queue.js';

const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.ConfigMap',
  strategy: {},
};

const cm = (name: string, uid: string, owner?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'default',
    uid,
    ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: owner }] } : {}),
  },
});

/** A registry stand-in whose every watch lists the given snapshot, then fails the first time. */
function fakeRegistry(snapshots: KubeObject[][]): RegistryStore {
  let attempt = 0;
  const fake = {
    resource: configmaps,
    async watch(_ns: string, req: WatchRequest, onEvent: (e: ObjectEvent) => void): Promise<number> {
      const objects = snapshots[Math.min(attempt, snapshots.length - 1)] ?? [];
      const failing = attempt++ === 0;
      for (const object of objects) onEvent({ type: 'ADDED', object });
      if (failing) setTimeout(() => req.onError?.(new Error('connection lost')), 1);
      return 0;
    },
  };
  return fake as unknown as RegistryStore;
}

describe('GraphBuilder', () => {
  it('drops objects a relist no longer shows and queues their dependents', async () => {
    const graph = new Graph();
    const queue = new WorkQueue();
    const builder = new GraphBuilder({
      graph,
      queue,
      absentOwners: new ReferenceCache(),
      logger: pino({ level: 'silent' }),
      retryMs: 1,
    });
    const registry = fakeRegistry([
      [cm('owner', 'owner'), cm('child', 'child', 'owner')],
      [cm('child', 'child', 'owner')],
    ]);
    const abort = new AbortController();
    await builder.monitor(registry, abort.signal);
    expect(graph.get('owner')).toBeDefined();
    expect(graph.dependents('owner').map((n) => n.name)).toEqual(['child']);
    expect(await queue.get()).toBe('child');
    queue.done('child');

    await expect.poll(() => graph.get('owner')).toBeUndefined();
    expect(await queue.get()).toBe('child');
    abort.abort();
  });

  it('queues an owner when a dependent stops blocking it', () => {
    const graph = new Graph();
    const queue = new WorkQueue();
    const builder = new GraphBuilder({
      graph,
      queue,
      absentOwners: new ReferenceCache(),
      logger: pino({ level: 'silent' }),
    });
    const registry = fakeRegistry([]);
    const owner = cm('owner', 'owner');
    builder.observe(registry, { type: 'ADDED', object: owner });
    const blocking = cm('child', 'child');
    blocking.metadata = {
      ...blocking.metadata,
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'owner', blockOwnerDeletion: true },
      ],
    };
    builder.observe(registry, { type: 'ADDED', object: blocking });
    expect(queue.length).toBe(1);
    builder.observe(registry, { type: 'MODIFIED', object: cm('child', 'child') });
    expect(queue.length).toBe(2);
    expect(graph.dependents('owner')).toEqual([]);
  });
});
