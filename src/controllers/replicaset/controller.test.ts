import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { ReplicationManager } from '../replication/controller.js';
import { ReplicaSetController } from './controller.js';
import {
  abortAfterEach,
  eventually,
  listPods,
  newTestApi,
  podTemplate,
  setPodReady,
  silentLogger,
} from '../testing/cluster.js';

const nextSignal = abortAfterEach();

async function start(api: Api, rc = false): Promise<void> {
  const c = rc
    ? new ReplicationManager({ api, logger: silentLogger })
    : new ReplicaSetController({ api, logger: silentLogger });
  await c.start(nextSignal());
}

const rsRegistry = (api: Api) => api.registry('apps', 'v1', 'replicasets');

const newRS = (name: string, replicas: number): ReplicaSet => ({
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }) },
});

const podsOf = async (api: Api, n: number) =>
  eventually(async () => {
    const pods = await listPods(api);
    return pods.length === n ? pods : undefined;
  });

describe('ReplicaSetController', () => {
  it('creates pods with a controller reference and generateName, and counts them in status', async () => {
    const api = await newTestApi();
    await start(api);
    const rs = await rsRegistry(api).create('default', newRS('web', 3));
    const pods = await podsOf(api, 3);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata?.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: rs.metadata?.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    for (const p of pods) await setPodReady(api, p);
    const status = await eventually(async () => {
      const cur = (await rsRegistry(api).get('default', 'web')) as ReplicaSet;
      return cur.status?.availableReplicas === 3 ? cur.status : undefined;
    });
    expect(status).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      observedGeneration: 1,
    });
  });

  it('scales down not-ready pods first', async () => {
    const api = await newTestApi();
    await start(api);
    await rsRegistry(api).create('default', newRS('web', 3));
    const pods = await podsOf(api, 3);
    const [a, b] = pods;
    if (!a || !b) throw new Error('no pods');
    await setPodReady(api, a);
    await setPodReady(api, b);
    await rsRegistry(api).guaranteedUpdate('default', 'web', (cur) => {
      (cur as ReplicaSet).spec = { ...(cur as ReplicaSet).spec!, replicas: 2 };
      return cur;
    });
    const left = await podsOf(api, 2);
    expect(left.map((p) => p.metadata?.name).sort()).toEqual([a.metadata?.name, b.metadata?.name].sort());
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    const api = await newTestApi();
    const pods = api.registry('', 'v1', 'pods');
    const orphan: Pod = { metadata: { name: 'orphan', labels: { app: 'web' } }, spec: podTemplate({}).spec };
    await pods.create('default', orphan);
    await start(api);
    const rs = await rsRegistry(api).create('default', newRS('web', 2));
    const all = await podsOf(api, 2);
    expect(all.map((p) => p.metadata?.ownerReferences?.[0]?.uid)).toEqual([
      rs.metadata?.uid,
      rs.metadata?.uid,
    ]);
    await pods.guaranteedUpdate('default', 'orphan', (cur) => {
      cur.metadata = { ...cur.metadata, labels: { app: 'other' } };
      return cur;
    });
    const released = await eventually(async () => {
      const p = await pods.get('default', 'orphan');
      return p.metadata?.ownerReferences === undefined ? p : undefined;
    });
    expect(released.metadata?.labels).toEqual({ app: 'other' });
    await podsOf(api, 3);
  });

  it('runs ReplicationControllers with v1 owner references', async () => {
    const api = await newTestApi();
    await start(api, true);
    const rc: ReplicationController = {
      metadata: { name: 'legacy' },
      spec: { replicas: 2, template: podTemplate({ app: 'legacy' }) },
    };
    const created = await api.registry('', 'v1', 'replicationcontrollers').create('default', rc);
    expect((created as ReplicationController).spec?.selector).toEqual({ app: 'legacy' });
    const pods = await podsOf(api, 2);
    expect(pods[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
    });
    expect(pods[0]?.metadata?.name).toMatch(/^legacy-/);
  });
});
