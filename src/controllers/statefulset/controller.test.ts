import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import {
  eventually,
  listPods,
  newTestApi,
  podTemplate,
  setPodReady,
  silentLogger,
} from '../replicaset/testing/cluster.js';
import { StatefulSetController } from './controller.js';

const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

async function cluster(): Promise<Api> {
  const api = await newTestApi();
  const abort = new AbortController();
  aborts.push(abort);
  await new StatefulSetController({ api, logger: silentLogger }).start(abort.signal);
  return api;
}

const sets = (api: Api) => api.registry('apps', 'v1', 'statefulsets');
const newSet = (replicas: number, policy?: 'Parallel'): StatefulSet => ({
  metadata: { name: 'db' },
  spec: {
    replicas,
    serviceName: 'db-headless',
    selector: { matchLabels: { app: 'db' } },
    template: podTemplate({ app: 'db' }),
    ...(policy ? { podManagementPolicy: policy } : {}),
  },
});

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name).sort();
const podsNamed = (api: Api, want: string[]) =>
  eventually(async () => {
    const pods = await listPods(api);
    return JSON.stringify(names(pods)) === JSON.stringify(want) ? pods : undefined;
  });

/** Waits a little and checks nothing more happened. */
const stays = async (api: Api, want: string[]) => {
  await new Promise((r) => setTimeout(r, 60));
  expect(names(await listPods(api))).toEqual(want);
};

const readyAll = async (api: Api) => {
  for (const p of await listPods(api)) if (p.status?.phase !== 'Running') await setPodReady(api, p);
};

describe('StatefulSetController', () => {
  it('OrderedReady: starts pods one at a time, each after the previous is ready, with a stable identity', async () => {
    const api = await cluster();
    await sets(api).create('default', newSet(3));
    const [first] = await podsNamed(api, ['db-0']);
    await stays(api, ['db-0']);
    expect(first?.metadata?.labels).toMatchObject({
      app: 'db',
      'statefulset.kubernetes.io/pod-name': 'db-0',
      'apps.kubernetes.io/pod-index': '0',
    });
    expect(first?.metadata?.labels?.['controller-revision-hash']).toMatch(/^db-/);
    expect(first?.spec).toMatchObject({ hostname: 'db-0', subdomain: 'db-headless' });
    expect(first?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', controller: true });
    await readyAll(api);
    await podsNamed(api, ['db-0', 'db-1']);
    await stays(api, ['db-0', 'db-1']);
    await readyAll(api);
    await podsNamed(api, ['db-0', 'db-1', 'db-2']);
    await readyAll(api);
    const status = await eventually(async () => {
      const s = ((await sets(api).get('default', 'db')) as StatefulSet).status;
      return s?.readyReplicas === 3 ? s : undefined;
    });
    expect(status).toMatchObject({
      replicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    expect(status.currentRevision).toBe(status.updateRevision);
  });

  it('scales down to the lowest ordinals', async () => {
    const api = await cluster();
    await sets(api).create('default', newSet(3, 'Parallel'));
    await podsNamed(api, ['db-0', 'db-1', 'db-2']);
    await readyAll(api);
    await sets(api).guaranteedUpdate('default', 'db', (cur) => {
      const s = cur as StatefulSet;
      if (s.spec) s.spec.replicas = 1;
      return s;
    });
    await podsNamed(api, ['db-0']);
  });

  it('Parallel: creates every pod at once', async () => {
    const api = await cluster();
    await sets(api).create('default', newSet(3, 'Parallel'));
    await podsNamed(api, ['db-0', 'db-1', 'db-2']);
  });

  it('RollingUpdate replaces pods from the highest ordinal down to the partition', async () => {
    const api = await cluster();
    const s = newSet(3, 'Parallel');
    if (s.spec) s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    await sets(api).create('default', s);
    await podsNamed(api, ['db-0', 'db-1', 'db-2']);
    await readyAll(api);
    await sets(api).guaranteedUpdate('default', 'db', (cur) => {
      const c = (cur as StatefulSet).spec?.template.spec?.containers[0];
      if (c) c.image = 'postgres';
      return cur;
    });
    const images = async () =>
      Object.fromEntries((await listPods(api)).map((p) => [p.metadata?.name, p.spec?.containers[0]?.image]));
    const kubelet = setInterval(() => void readyAll(api).catch(() => undefined), 15);
    try {
      const done = await eventually(async () => {
        const i = await images();
        return i['db-1'] === 'postgres' && i['db-2'] === 'postgres' ? i : undefined;
      });
      expect(done['db-0']).toBe('nginx');
      await new Promise((r) => setTimeout(r, 60));
      expect((await images())['db-0']).toBe('nginx');
    } finally {
      clearInterval(kubelet);
    }
  });
});
