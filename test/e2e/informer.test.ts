/**
 * An @kubernetes/client-node informer follows Cairn like a cluster: events in order, and after
 * `cairn server` is killed and restarted on the same data dir it resumes and ends with the same
 * objects as the server. Acknowledged writes survive kill -9.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type CairnServer, startCairn } from './harness.js';

const dirs: string[] = [];
const servers: CairnServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL').catch(() => {});
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(dataDir: string, port?: number): Promise<CairnServer> {
  const s = await startCairn({ dataDir, args: port ? ['--port', String(port)] : [] });
  servers.push(s);
  return s;
}

const portOf = (url: string) => Number(new URL(url).port);

const rootCA = 'kube-root-ca.crt';
/** The test's own ConfigMap names, sorted (without the cluster CA every namespace holds). */
const ours = (names: (string | undefined)[]) => names.filter((n) => n !== rootCA).sort();

describe('client-node informer', () => {
  it('sees ADDED/MODIFIED/DELETED in order and resumes across a server restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-informer-'));
    dirs.push(dataDir);
    const server = await start(dataDir);
    const port = portOf(server.url);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const seen: string[] = [];
    // Every namespace also holds the cluster CA (kube-root-ca.crt), as upstream: not ours.
    const note = (type: string) => (o: k8s.V1ConfigMap) => {
      if (o.metadata?.name !== rootCA) seen.push(`${type} ${o.metadata?.name}`);
    };
    informer.on('add', note('ADDED'));
    informer.on('update', note('MODIFIED'));
    informer.on('delete', note('DELETED'));
    let errors = 0;
    informer.on('error', () => {
      errors++;
      setTimeout(() => void informer.start().catch(() => {}), 500);
    });
    await informer.start();

    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'a' }, data: { v: '1' } },
    });
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'a', body: { data: { v: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'a' });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'b' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c' } } });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(5);
    expect(seen).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED b', 'ADDED c']);

    await server.stop('SIGKILL');
    await start(dataDir, port);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'd' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'b' });

    const serverNames = async () =>
      ours((await core.listNamespacedConfigMap({ namespace: 'default' })).items.map((i) => i.metadata?.name));
    await expect
      .poll(() => ours(informer.list().map((o) => o.metadata?.name)), { timeout: 20_000 })
      .toEqual(await serverNames());
    expect(await serverNames()).toEqual(['c', 'd']);
    expect(errors).toBeGreaterThan(0);
    await informer.stop();
  });

  it('loses no acknowledged write when the server is killed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-durable-'));
    dirs.push(dataDir);
    const server = await start(dataDir);
    const port = portOf(server.url);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const name = `durable-${i}`;
        await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name } } });
        acked.push(name);
      }),
    );
    await server.stop('SIGKILL');
    await start(dataDir, port);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(ours(list.items.map((i) => i.metadata?.name))).toEqual(acked.sort());
  });
});
