import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConflict, isNotFound, StatusError } from '../apimachinery/errors.js';
import { kubeconfig } from '../apiserver/kubeconfig.js';
import { startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { Client, errorFromResponse, Informer, type ResourceClient } from './index.js';

let server: TestServer;
let client: Client;
let configmaps: ResourceClient<ConfigMap>;
beforeAll(async () => {
  server = await startTestServer({ watch: { bookmarkIntervalMs: 50, defaultTimeoutMs: 60_000 } });
  client = new Client({ server: server.url });
  configmaps = client.resource<ConfigMap>({
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespaced: true,
  });
});
afterAll(async () => {
  client.close();
  await server.close();
});

const pod = (name: string, nodeName = 'n1'): Pod => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image: 'localhost/busybox:latest' }] },
});

describe('ResourceClient', () => {
  it('creates, gets, lists, updates, patches and deletes', async () => {
    const created = await configmaps.create({
      metadata: { name: 'a', namespace: 'default' },
      data: { k: '1' },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect((await configmaps.get('a', { namespace: 'default' })).data).toEqual({ k: '1' });
    const list = await configmaps.list({ namespace: 'default' });
    expect(list.items.map((c) => c.metadata?.name)).toContain('a');
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);

    const updated = await configmaps.update({ ...created, data: { k: '2' } });
    expect(updated.data).toEqual({ k: '2' });
    await expect(configmaps.update({ ...created, data: { k: '3' } })).rejects.toSatisfy(isConflict);

    const merged = await configmaps.patch('a', { data: { j: 'x' } }, { namespace: 'default', type: 'merge' });
    expect(merged.data).toEqual({ k: '2', j: 'x' });
    const strategic = await configmaps.patch('a', { data: { k: null } }, { namespace: 'default' });
    expect(strategic.data).toEqual({ j: 'x' });

    await configmaps.delete('a', { namespace: 'default' });
    const err = await configmaps.get('a', { namespace: 'default' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(isNotFound(err)).toBe(true);
    expect((err as StatusError).code).toBe(404);
  });

  it('deletes with a uid precondition and grace period 0; writes status through pods/status', async () => {
    const p = await client.pods.create(pod('p1'));
    const withStatus = await client.pods.updateStatus({ ...p, status: { phase: 'Running' } });
    expect(withStatus.status?.phase).toBe('Running');
    const stale = client.pods.delete('p1', { namespace: 'default', preconditions: { uid: 'other' } });
    await expect(stale).rejects.toSatisfy(isConflict);
    await client.pods.delete('p1', {
      namespace: 'default',
      gracePeriodSeconds: 0,
      preconditions: { uid: p.metadata?.uid ?? '' },
    });
    await expect(client.pods.get('p1', { namespace: 'default' })).rejects.toSatisfy(isNotFound);
  });

  it('watches from a resourceVersion with a field selector, with bookmarks', async () => {
    const list = await client.pods.list({ namespace: 'default' });
    const abort = new AbortController();
    const events = await client.pods.watch({
      namespace: 'default',
      fieldSelector: 'spec.nodeName=n2',
      resourceVersion: list.metadata.resourceVersion ?? '',
      allowWatchBookmarks: true,
      signal: abort.signal,
    });
    await client.pods.create(pod('other', 'n1'));
    await client.pods.create(pod('mine', 'n2'));
    const seen: string[] = [];
    for await (const e of events) {
      seen.push(e.type === 'ERROR' ? 'ERROR' : `${e.type} ${e.object.metadata?.name ?? ''}`);
      if (e.type === 'BOOKMARK') abort.abort();
    }
    expect(seen[0]).toBe('ADDED mine');
    expect(seen).not.toContain('ADDED other');
    expect(seen.at(-1)).toBe('BOOKMARK ');
  });

  it('turns a non-Status error body into a StatusError with the reason of its code', () => {
    const err = errorFromResponse(503, 'upstream down');
    expect(err.reason).toBe('ServiceUnavailable');
    expect(err.message).toBe('upstream down');
  });

  it('reads server, token and CA from a kubeconfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-client-'));
    try {
      const path = join(dir, 'kubeconfig');
      await writeFile(path, kubeconfig({ server: server.url, token: 't0k', caCert: 'PEM' }));
      const c = await Client.fromKubeconfig(path);
      expect(c.rest.options).toEqual({ server: server.url, token: 't0k', caCert: 'PEM' });
      expect((await c.rest.version()).gitVersion).toMatch(/^v1\./);
      c.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Informer', () => {
  it('lists, follows the watch, and calls back adds, updates and deletes', async () => {
    const seen: string[] = [];
    const abort = new AbortController();
    await configmaps.create({ metadata: { name: 'pre', namespace: 'default' } });
    const informer = new Informer<ConfigMap>({
      client: configmaps,
      namespace: 'default',
      handlers: {
        onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
        onUpdate: (_o, n) => seen.push(`update ${n.metadata?.name}`),
        onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
      },
    });
    const { stopped } = await informer.start(abort.signal);
    expect(informer.hasSynced()).toBe(true);
    expect(seen).toEqual(['add pre']);
    await configmaps.create({ metadata: { name: 'b', namespace: 'default' } });
    await configmaps.patch('b', { data: { x: '1' } }, { namespace: 'default', type: 'merge' });
    await configmaps.delete('pre', { namespace: 'default' });
    await expect.poll(() => seen).toEqual(['add pre', 'add b', 'update b', 'delete pre']);
    expect([...informer.store.keys()]).toEqual(['default/b']);
    abort.abort();
    await stopped;
  });

  it('relists after a failed watch, delivering what changed meanwhile', async () => {
    const seen: string[] = [];
    const abort = new AbortController();
    let failures = 1;
    const flaky = {
      list: configmaps.list.bind(configmaps),
      watch: async (o: Parameters<typeof configmaps.watch>[0]) => {
        if (failures-- > 0) {
          // the world changes while the watch is down
          await configmaps.create({ metadata: { name: 'while-down', namespace: 'default' } });
          throw new Error('connection refused');
        }
        return configmaps.watch(o);
      },
    };
    const sleeps: number[] = [];
    const informer = new Informer<ConfigMap>({
      client: flaky,
      namespace: 'default',
      handlers: { onAdd: (o) => seen.push(`add ${o.metadata?.name}`) },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const { stopped } = await informer.start(abort.signal);
    await expect.poll(() => seen).toContain('add while-down');
    expect(sleeps).toEqual([800]);
    abort.abort();
    await stopped;
  });
});
