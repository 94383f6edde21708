/** The Deployment controller's timing, on a fake clock: progress deadline and minReadySeconds. */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import {
  abortAfterEach,
  eventually,
  listPods,
  newTestApi,
  podTemplate,
  setPodReady,
  silentLogger,
} from '../testing/cluster.js';
import { DeploymentController } from './controller.js';

const nextSignal = abortAfterEach();

async function setup(): Promise<{ api: Api; clock: FakeClock }> {
  const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  const api = await newTestApi(clock);
  const signal = nextSignal();
  await new ReplicaSetController({ api, logger: silentLogger, clock }).start(signal);
  await new DeploymentController({ api, logger: silentLogger, clock }).start(signal);
  return { api, clock };
}

const create = (api: Api, spec: Partial<Deployment['spec']>) =>
  api.registry('apps', 'v1', 'deployments').create('default', {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: podTemplate({ app: 'web' }),
      ...spec,
    },
  } as Deployment);

const get = async (api: Api) =>
  (await api.registry('apps', 'v1', 'deployments').get('default', 'web')) as Deployment;
const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('DeploymentController timing (fake clock)', () => {
  it('reports ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds', async () => {
    const { api, clock } = await setup();
    await create(api, { progressDeadlineSeconds: 60 });
    const started = await eventually(async () => {
      const d = await get(api);
      return condition(d, 'Progressing')?.status === 'True' && d.status?.replicas === 2 ? d : undefined;
    });
    const rsName = /"(.*)"/.exec(condition(started, 'Progressing')?.message ?? '')?.[1] ?? '';
    expect(rsName).toMatch(/^web-/);
    await clock.advance(59_000);
    expect(condition(await get(api), 'Progressing')?.status).toBe('True');
    await clock.advance(3_000);
    const timedOut = await eventually(async () => {
      const c = condition(await get(api), 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? c : undefined;
    });
    expect(timedOut).toMatchObject({
      status: 'False',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
    });
    const events = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    expect(events.find((e) => e.reason === 'ScalingReplicaSet')).toMatchObject({
      message: `Scaled up replica set ${rsName} from 0 to 2`,
      source: { component: 'deployment-controller' },
      involvedObject: { kind: 'Deployment', name: 'web' },
    });
  });

  it('becomes Available only after the pods have been ready for minReadySeconds', async () => {
    const { api, clock } = await setup();
    await create(api, { minReadySeconds: 20 });
    const pods = await eventually(async () => {
      const p = await listPods(api);
      return p.length === 2 ? p : undefined;
    });
    for (const p of pods) await setPodReady(api, p, true, new Date(clock.now()));
    await eventually(async () => ((await get(api)).status?.readyReplicas === 2 ? true : undefined));
    await clock.advance(19_000);
    const early = await get(api);
    expect(early.status?.availableReplicas).toBe(0);
    expect(condition(early, 'Available')?.status).toBe('False');
    await clock.advance(2_000);
    const d = await eventually(async () => {
      const cur = await get(api);
      return cur.status?.availableReplicas === 2 ? cur : undefined;
    });
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
  });
});
