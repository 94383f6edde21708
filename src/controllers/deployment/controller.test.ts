import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import {
  abortAfterEach,
  eventually,
  listPods,
  newTestApi,
  podTemplate,
  silentLogger,
  standInKubelet,
} from '../testing/cluster.js';
import { DeploymentController } from './controller.js';
import { REVISION_ANNOTATION } from './util.js';

const nextSignal = abortAfterEach();

/** Both controllers, and a stand-in kubelet that makes every pod ready. */
async function cluster(): Promise<Api> {
  const api = await newTestApi();
  const signal = nextSignal();
  await new ReplicaSetController({ api, logger: silentLogger }).start(signal);
  await new DeploymentController({ api, logger: silentLogger }).start(signal);
  signal.addEventListener('abort', standInKubelet(api));
  return api;
}

const deployments = (api: Api) => api.registry('apps', 'v1', 'deployments');
const replicaSets = async (api: Api) =>
  ((await api.registry('apps', 'v1', 'replicasets').list('default')).items as ReplicaSet[]).sort(
    (a, b) =>
      Number(a.metadata?.annotations?.[REVISION_ANNOTATION]) -
      Number(b.metadata?.annotations?.[REVISION_ANNOTATION]),
  );

const newDeployment = (
  name: string,
  replicas: number,
  extra: Partial<Deployment['spec']> = {},
): Deployment => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: podTemplate({ app: name }),
    ...extra,
  },
});

const settled = (api: Api, name: string, replicas: number) =>
  eventually(async () => {
    const d = (await deployments(api).get('default', name)) as Deployment;
    const s = d.status;
    const done =
      s?.observedGeneration === d.metadata?.generation &&
      s?.updatedReplicas === replicas &&
      s?.replicas === replicas &&
      s?.availableReplicas === replicas &&
      getProgress(d) === 'NewReplicaSetAvailable';
    return done ? d : undefined;
  }, 8000);

const getProgress = (d: Deployment) => d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason;

const setImage = (api: Api, name: string, image: string) =>
  deployments(api).guaranteedUpdate('default', name, (cur) => {
    const d = cur as Deployment;
    const c = d.spec?.template.spec?.containers[0];
    if (c) c.image = image;
    return d;
  });

describe('DeploymentController', () => {
  it('rolls out a ReplicaSet named after the template hash and reports availability', async () => {
    const api = await cluster();
    await deployments(api).create('default', newDeployment('web', 3));
    const d = await settled(api, 'web', 3);
    const [rs] = await replicaSets(api);
    const hash = rs?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.metadata?.annotations).toMatchObject({
      [REVISION_ANNOTATION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    expect(d.metadata?.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(d.metadata?.generation).toBe(1);
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    const pods = await listPods(api);
    expect(pods.every((p) => p.metadata?.labels?.['pod-template-hash'] === hash)).toBe(true);
  });

  it('rolls a new template out, then back to the old ReplicaSet with a new revision', async () => {
    const api = await cluster();
    await deployments(api).create('default', newDeployment('web', 4));
    await settled(api, 'web', 4);
    await setImage(api, 'web', 'nginx:2');
    await settled(api, 'web', 4);
    let rss = await replicaSets(api);
    expect(rss.map((rs) => [rs.metadata?.annotations?.[REVISION_ANNOTATION], rs.spec?.replicas])).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
    const pods = await listPods(api);
    expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual([
      'nginx:2',
      'nginx:2',
      'nginx:2',
      'nginx:2',
    ]);
    await setImage(api, 'web', 'nginx');
    await settled(api, 'web', 4);
    rss = await replicaSets(api);
    expect(rss.map((rs) => [rs.metadata?.annotations?.[REVISION_ANNOTATION], rs.spec?.replicas])).toEqual([
      ['2', 0],
      ['3', 4],
    ]);
    expect(rss[1]?.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
  });

  it('Recreate scales the old ReplicaSet to zero before creating the new one', async () => {
    const api = await cluster();
    await deployments(api).create('default', newDeployment('db', 2, { strategy: { type: 'Recreate' } }));
    await settled(api, 'db', 2);
    await setImage(api, 'db', 'postgres');
    await settled(api, 'db', 2);
    const rss = await replicaSets(api);
    expect(rss.map((rs) => rs.spec?.replicas)).toEqual([0, 2]);
  });

  it('scales the active ReplicaSet when replicas change, and keeps revisionHistoryLimit', async () => {
    const api = await cluster();
    await deployments(api).create('default', newDeployment('web', 2, { revisionHistoryLimit: 1 }));
    await settled(api, 'web', 2);
    for (const image of ['a', 'b', 'c']) {
      await setImage(api, 'web', image);
      await settled(api, 'web', 2);
    }
    await eventually(async () => ((await replicaSets(api)).length === 2 ? true : undefined));
    await deployments(api).guaranteedUpdate('default', 'web', (cur) => {
      const d = cur as Deployment;
      if (d.spec) d.spec.replicas = 5;
      return d;
    });
    await settled(api, 'web', 5);
    expect((await listPods(api)).length).toBe(5);
  });
});
