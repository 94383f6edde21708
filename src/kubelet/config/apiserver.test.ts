import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { Client } from '../../client/index.js';
import { startApiPodSource } from './apiserver.js';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ server: server.url });
  await client.rest.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'other' } } });
});
afterAll(async () => {
  client.close();
  await server.close();
});

const pod = (name: string, namespace: string, nodeName?: string): Pod => ({
  metadata: { name, namespace },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'localhost/busybox:latest' }] },
});

describe('API pod source', () => {
  it('feeds the pods bound to this node, in every namespace, to update/remove', async () => {
    await client.pods.create(pod('before', 'default', 'me'));
    await client.pods.create(pod('elsewhere', 'default', 'them'));
    const seen: string[] = [];
    const updates = {
      update: (p: Pod) =>
        seen.push(
          `update ${p.metadata?.namespace}/${p.metadata?.name} ${p.metadata?.deletionTimestamp ? 'deleting' : ''}`.trim(),
        ),
      remove: (p: Pod) => seen.push(`remove ${p.metadata?.namespace}/${p.metadata?.name}`),
    };
    const abort = new AbortController();
    const source = await startApiPodSource({ pods: client.pods, nodeName: 'me', updates }, abort.signal);
    expect(seen).toEqual(['update default/before']);

    await client.pods.create(pod('unbound', 'other'));
    await client.rest.request('POST', '/api/v1/namespaces/other/pods/unbound/binding', {
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: 'unbound' },
        target: { kind: 'Node', name: 'me' },
      },
    });
    await expect.poll(() => seen).toContain('update other/unbound');

    await client.pods.delete('before', { namespace: 'default', gracePeriodSeconds: 30 });
    await expect.poll(() => seen).toContain('update default/before deleting');
    const current = await client.pods.get('before', { namespace: 'default' });
    await client.pods.delete('before', {
      namespace: 'default',
      gracePeriodSeconds: 0,
      preconditions: { uid: current.metadata?.uid ?? '' },
    });
    await expect.poll(() => seen).toContain('remove default/before');
    expect(seen.join('\n')).not.toContain('elsewhere');
    expect([...source.informer.store.keys()]).toEqual(['other/unbound']);
    abort.abort();
    await source.stopped;
  });

  it('holds the status writes coming back on the watch, and passes spec changes and deletions on', async () => {
    await client.pods.create(pod('echo', 'default', 'echo-node'));
    const seen: string[] = [];
    const updates = {
      update: (p: Pod) =>
        seen.push(
          `update deadline=${p.spec?.activeDeadlineSeconds ?? '-'} ${p.metadata?.deletionTimestamp ? 'deleting' : ''}`.trim(),
        ),
      remove: () => seen.push('remove'),
    };
    const abort = new AbortController();
    const source = await startApiPodSource(
      { pods: client.pods, nodeName: 'echo-node', updates },
      abort.signal,
    );
    const key = 'default/echo';
    const current = () => client.pods.get('echo', { namespace: 'default' });

    // the agent's own status writes: each comes back on the watch, none reaches the lifecycle
    for (const reason of ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']) {
      const p = await current();
      const written = await client.pods.updateStatus({
        ...p,
        status: {
          phase: 'Pending',
          conditions: p.status?.conditions ?? [],
          containerStatuses: [
            {
              name: 'c',
              image: p.spec!.containers[0]!.image!,
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason } },
            },
          ],
        },
      });
      await expect
        .poll(() => source.informer.store.get(key)?.metadata?.resourceVersion)
        .toBe(written.metadata?.resourceVersion);
    }
    expect(seen).toEqual(['update deadline=-']);

    // a client's condition for a readiness gate is passed on: the agent's writes carry it
    const p = await current();
    await client.pods.updateStatus({
      ...p,
      status: {
        ...p.status,
        conditions: [...(p.status?.conditions ?? []), { type: 'example.com/lb', status: 'True' }],
      },
    });
    await expect.poll(() => seen.length).toBe(2);

    // a spec change
    const q = await current();
    await client.pods.update({ ...q, spec: { ...q.spec!, activeDeadlineSeconds: 600 } });
    await expect.poll(() => seen).toContain('update deadline=600');

    // a graceful delete, then the final delete
    await client.pods.delete('echo', { namespace: 'default', gracePeriodSeconds: 30 });
    await expect.poll(() => seen).toContain('update deadline=600 deleting');
    const r = await current();
    await client.pods.delete('echo', {
      namespace: 'default',
      gracePeriodSeconds: 0,
      preconditions: { uid: r.metadata?.uid ?? '' },
    });
    await expect.poll(() => seen).toContain('remove');
    expect(seen).toEqual([
      'update deadline=-',
      'update deadline=-',
      'update deadline=600',
      'update deadline=600 deleting',
      'remove',
    ]);
    abort.abort();
    await source.stopped;
  });
});
