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
});
