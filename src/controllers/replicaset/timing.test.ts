/** The ReplicaSet controller's timing, on a fake clock: availability after minReadySeconds. */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, ReplicationController } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
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

async function setup() {
  const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  const api = await newTestApi(clock);
  await new ReplicaSetController({ api, logger: silentLogger, clock }).start(nextSignal());
  return { api, clock };
}

const status = async (api: Awaited<ReturnType<typeof setup>>['api']) =>
  ((await api.registry('apps', 'v1', 'replicasets').get('default', 'web')) as ReplicaSet).status;

describe('ReplicaSetController timing (fake clock)', () => {
  it('counts a ready pod available only once it has been ready for minReadySeconds', async () => {
    const { api, clock } = await setup();
    await api.registry('apps', 'v1', 'replicasets').create('default', {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        minReadySeconds: 30,
        selector: { matchLabels: { app: 'web' } },
        template: podTemplate({ app: 'web' }),
      },
    } as ReplicaSet);
    const pods = await eventually(async () => {
      const p = await listPods(api);
      return p.length === 2 ? p : undefined;
    });
    for (const p of pods) await setPodReady(api, p, true, new Date(clock.now()));
    await eventually(async () => ((await status(api))?.readyReplicas === 2 ? true : undefined));
    await clock.advance(29_000);
    expect((await status(api))?.availableReplicas).toBe(0);
    await clock.advance(2_000);
    await eventually(async () => ((await status(api))?.availableReplicas === 2 ? true : undefined));
  });

  it('records SuccessfulCreate / SuccessfulDelete with the pod names, as replication-controller for RCs', async () => {
    const clock = new FakeClock();
    const api = await newTestApi(clock);
    await new ReplicationManager({ api, logger: silentLogger, clock }).start(nextSignal());
    const rcs = api.registry('', 'v1', 'replicationcontrollers');
    const rc: ReplicationController = {
      metadata: { name: 'web' },
      spec: { replicas: 1, selector: { app: 'web' }, template: podTemplate({ app: 'web' }) },
    };
    await rcs.create('default', rc);
    const [pod] = await eventually(async () => {
      const p = await listPods(api);
      return p.length === 1 ? p : undefined;
    });
    await rcs.guaranteedUpdate('default', 'web', (cur) => {
      const rc = cur as { spec?: { replicas?: number } };
      if (rc.spec) rc.spec.replicas = 0;
      return cur;
    });
    const events = await eventually(async () => {
      const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
      return items.length === 2 ? items : undefined;
    });
    const name = pod?.metadata?.name ?? '';
    expect(events.map((e) => [e.reason, e.message, e.source?.component]).sort()).toEqual([
      ['SuccessfulCreate', `Created pod: ${name}`, 'replication-controller'],
      ['SuccessfulDelete', `Deleted pod: ${name}`, 'replication-controller'],
    ]);
    expect(events[0]?.involvedObject).toMatchObject({
      kind: 'ReplicationController',
      apiVersion: 'v1',
      name: 'web',
    });
  });
});
