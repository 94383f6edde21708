import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
import {
  abortAfterEach,
  eventually,
  listPods,
  newTestApi,
  podTemplate,
  readyAll,
  setPodReady,
  silentLogger,
  standInKubelet,
} from '../testing/cluster.js';
import { StatefulSetController } from './controller.js';

const nextSignal = abortAfterEach();

async function cluster(clock?: FakeClock): Promise<Api> {
  const api = await newTestApi(clock);
  await new StatefulSetController({ api, logger: silentLogger, ...(clock ? { clock } : {}) }).start(
    nextSignal(),
  );
  return api;
}

const revisions = async (api: Api) =>
  ((await api.registry('apps', 'v1', 'controllerrevisions').list('default')).items as ControllerRevision[])
    .map((r) => [r.revision, r.metadata?.name ?? ''] as const)
    .sort((a, b) => a[0] - b[0]);

const statusOf = async (api: Api) => ((await sets(api).get('default', 'db')) as StatefulSet).status;

const setImage = (api: Api, image: string) =>
  sets(api).guaranteedUpdate('default', 'db', (cur) => {
    const c = (cur as StatefulSet).spec?.template.spec?.containers[0];
    if (c) c.image = image;
    return cur;
  });

const images = async (api: Api) =>
  Object.fromEntries((await listPods(api)).map((p) => [p.metadata?.name, p.spec?.containers[0]?.image]));

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
    const stopKubelet = standInKubelet(api);
    try {
      const done = await eventually(async () => {
        const i = await images();
        return i['db-1'] === 'postgres' && i['db-2'] === 'postgres' ? i : undefined;
      });
      expect(done['db-0']).toBe('nginx');
      await new Promise((r) => setTimeout(r, 60));
      expect((await images())['db-0']).toBe('nginx');
    } finally {
      stopKubelet();
    }
  });

  it('keeps ControllerRevisions: one per template, renumbered on rollback, pruned to revisionHistoryLimit', async () => {
    const api = await cluster();
    const s = newSet(2, 'Parallel');
    if (s.spec) s.spec.revisionHistoryLimit = 1;
    await sets(api).create('default', s);
    const stop = standInKubelet(api);
    try {
      const first = await eventually(async () => {
        const revs = await revisions(api);
        return revs.length === 1 ? revs[0] : undefined;
      });
      expect(first?.[0]).toBe(1);
      const rev1 = first?.[1] ?? '';
      expect(rev1).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
      const cr = (await api
        .registry('apps', 'v1', 'controllerrevisions')
        .get('default', rev1)) as ControllerRevision;
      expect(cr.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'StatefulSet',
        name: 'db',
        controller: true,
      });
      expect(cr.metadata?.labels).toMatchObject({ app: 'db' });
      expect(cr.data).toMatchObject({ spec: { template: { $patch: 'replace' } } });
      await eventually(async () => ((await statusOf(api))?.currentRevision === rev1 ? true : undefined));
      expect((await listPods(api)).map((p) => p.metadata?.labels?.['controller-revision-hash'])).toEqual([
        rev1,
        rev1,
      ]);

      await setImage(api, 'postgres');
      const rev2 = await eventually(async () => {
        const st = await statusOf(api);
        const i = await images(api);
        const done = st?.updateRevision !== rev1 && st?.currentRevision === st?.updateRevision;
        return done && i['db-0'] === 'postgres' && i['db-1'] === 'postgres' ? st?.updateRevision : undefined;
      });
      expect(await revisions(api)).toEqual([
        [1, rev1],
        [2, rev2],
      ]);

      // A rollback to the first template renumbers its revision instead of writing another.
      await setImage(api, 'nginx');
      await eventually(async () => {
        const st = await statusOf(api);
        return st?.currentRevision === rev1 && st.updatedReplicas === 2 ? true : undefined;
      });
      expect(await revisions(api)).toEqual([
        [2, rev2],
        [3, rev1],
      ]);
      await setImage(api, 'redis');
      await eventually(async () => {
        const st = await statusOf(api);
        return st?.currentRevision !== rev1 && st?.currentRevision === st?.updateRevision ? true : undefined;
      });
      // Limit 1: the current revision and one more are kept.
      const kept = await eventually(async () => {
        const revs = await revisions(api);
        return revs.length === 2 ? revs : undefined;
      });
      expect(kept.map(([n]) => n)).toEqual([3, 4]);
    } finally {
      stop();
    }
  });

  it('OnDelete: changes nothing until a pod is deleted, which comes back at the update revision', async () => {
    const api = await cluster();
    const s = newSet(2, 'Parallel');
    if (s.spec) s.spec.updateStrategy = { type: 'OnDelete' };
    await sets(api).create('default', s);
    await podsNamed(api, ['db-0', 'db-1']);
    await readyAll(api);
    const rev1 = await eventually(async () => (await statusOf(api))?.currentRevision);
    await setImage(api, 'postgres');
    const rev2 = await eventually(async () => {
      const st = await statusOf(api);
      return st?.updateRevision !== rev1 ? st?.updateRevision : undefined;
    });
    await stays(api, ['db-0', 'db-1']);
    expect(await images(api)).toEqual({ 'db-0': 'nginx', 'db-1': 'nginx' });
    await api.registry('', 'v1', 'pods').delete('default', 'db-1', { gracePeriodSeconds: 0 });
    await eventually(async () => ((await images(api))['db-1'] === 'postgres' ? true : undefined));
    await readyAll(api);
    const st = await eventually(async () => {
      const cur = await statusOf(api);
      return cur?.updatedReplicas === 1 && cur.readyReplicas === 2 ? cur : undefined;
    });
    expect(st).toMatchObject({ currentRevision: rev1, updateRevision: rev2, currentReplicas: 1 });
    expect((await images(api))['db-0']).toBe('nginx');
  });

  it('recreates a pod below the partition at the current revision', async () => {
    const api = await cluster();
    const s = newSet(2, 'Parallel');
    if (s.spec) s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    await sets(api).create('default', s);
    await podsNamed(api, ['db-0', 'db-1']);
    const stop = standInKubelet(api);
    try {
      await setImage(api, 'postgres');
      await eventually(async () => ((await images(api))['db-1'] === 'postgres' ? true : undefined));
      const before = (await listPods(api)).find((p) => p.metadata?.name === 'db-0');
      await api.registry('', 'v1', 'pods').delete('default', 'db-0', { gracePeriodSeconds: 0 });
      const again = await eventually(async () => {
        const p = (await listPods(api)).find((x) => x.metadata?.name === 'db-0');
        return p && p.metadata?.uid !== before?.metadata?.uid ? p : undefined;
      });
      expect(again.spec?.containers[0]?.image).toBe('nginx');
      expect(again.metadata?.labels?.['controller-revision-hash']).toBe(
        before?.metadata?.labels?.['controller-revision-hash'],
      );
    } finally {
      stop();
    }
  });

  it('records SuccessfulCreate and SuccessfulDelete events on the set', async () => {
    const api = await cluster();
    await sets(api).create('default', newSet(1, 'Parallel'));
    await podsNamed(api, ['db-0']);
    await sets(api).guaranteedUpdate('default', 'db', (cur) => {
      const st = cur as StatefulSet;
      if (st.spec) st.spec.replicas = 0;
      return st;
    });
    const events = await eventually(async () => {
      const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
      return items.length >= 2 ? items : undefined;
    });
    const byReason = Object.fromEntries(events.map((e) => [e.reason, e]));
    expect(byReason['SuccessfulCreate']).toMatchObject({
      type: 'Normal',
      message: 'create Pod db-0 in StatefulSet db successful',
      source: { component: 'statefulset-controller' },
      involvedObject: { kind: 'StatefulSet', apiVersion: 'apps/v1', name: 'db', namespace: 'default' },
    });
    expect(byReason['SuccessfulDelete']?.message).toBe('delete Pod db-0 in StatefulSet db successful');
  });

  it('with a fake clock: waits for each pod to be ready for minReadySeconds before the next', async () => {
    const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
    const api = await cluster(clock);
    const s = newSet(2);
    if (s.spec) s.spec.minReadySeconds = 10;
    await sets(api).create('default', s);
    const [db0] = await podsNamed(api, ['db-0']);
    if (!db0) throw new Error('no db-0');
    await setPodReady(api, db0, true, new Date(clock.now()));
    await clock.advance(9_000);
    await stays(api, ['db-0']);
    expect((await statusOf(api))?.availableReplicas).toBe(0);
    await clock.advance(2_000);
    await podsNamed(api, ['db-0', 'db-1']);
    expect(await statusOf(api)).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  });
});
