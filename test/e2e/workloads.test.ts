/**
 * Replicated workloads through the real kubectl against `cairn server`: Deployments (created with
 * kubectl's protobuf body), ReplicaSets, StatefulSets and ReplicationControllers, their tables,
 * the scale subresource, and the controllers behind them (rollouts, scaling, ordered
 * StatefulSet start). No agent runs, so the test plays the kubelet by writing pod status through
 * the status subresource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, startCairn } from './harness.js';

let c: CairnServer;
beforeAll(async () => {
  c = await startCairn();
});
afterAll(async () => {
  await c?.stop();
});

const jsonpath = (args: string[], path: string) => c.k([...args, '-o', `jsonpath=${path}`]);

const statefulSet = (name: string, replicas: number, policy = 'OrderedReady') => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  serviceName: ${name}
  podManagementPolicy: ${policy}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: c, image: busybox }] }
`;

describe('workload resources through kubectl', () => {
  it('creates a Deployment with kubectl create (protobuf) and prints it like upstream', async () => {
    expect((await c.k(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).trim()).toBe(
      'deployment.apps/web created',
    );
    const table = await c.k(['get', 'deploy']);
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(table).toMatch(/\nweb\s+0\/2\s+\d\s+0\s+\d+s/);
    const wide = await c.k(['get', 'deployment', 'web', '-o', 'wide']);
    expect(wide).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide).toMatch(/web\s+0\/2\s+\d\s+0\s+\S+\s+nginx\s+nginx\s+app=web/);
    const spec = JSON.parse(await c.k(['get', 'deploy', 'web', '-o', 'json'])) as {
      spec: { strategy: unknown; revisionHistoryLimit: number; progressDeadlineSeconds: number };
    };
    expect(spec.spec).toMatchObject({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const described = await c.k(['describe', 'deployment', 'web']);
    expect(described).toMatch(/StrategyType:\s+RollingUpdate/);
    expect(described).toMatch(/RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/);
  });

  it('scales through the scale subresource', async () => {
    expect((await c.k(['scale', 'deployment', 'web', '--replicas=4'])).trim()).toBe(
      'deployment.apps/web scaled',
    );
    expect(await jsonpath(['get', 'deploy', 'web'], '{.spec.replicas} {.metadata.generation}')).toBe('4 2');
    const scale = JSON.parse(
      await c.k(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/web/scale']),
    ) as unknown;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 4 },
      status: { selector: 'app=web' },
    });
    const refused = await c.kubectl(['scale', 'deployment', 'web', '--replicas=1', '--current-replicas=3']);
    expect(refused.code).not.toBe(0);
  });

  it('refuses a selector that does not match the template, with upstream message', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], {
      input: statefulSet('bad', 1).replace('matchLabels: { app: bad }', 'matchLabels: { app: other }'),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.template.metadata.labels: Invalid value');
    expect(r.stderr).toContain('`selector` does not match template `labels`');
  });

  it('serves StatefulSets, ReplicaSets and ReplicationControllers with their tables and scale', async () => {
    await c.k(['apply', '-f', '-'], { input: statefulSet('db', 2) });
    expect(await c.k(['get', 'sts'])).toMatch(/^NAME\s+READY\s+AGE\n(.*\n)*db\s+0\/2\s+\d+s/);
    await c.k(['scale', 'statefulset', 'db', '--replicas=3']);
    expect(await jsonpath(['get', 'sts', 'db'], '{.spec.replicas}')).toBe('3');
    await c.k(['apply', '-f', '-'], {
      input: statefulSet('rs1', 2)
        .replace('kind: StatefulSet', 'kind: ReplicaSet')
        .replace(/\n {2}(serviceName|podManagementPolicy):.*/g, ''),
    });
    expect(await c.k(['get', 'rs', 'rs1'])).toMatch(
      /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nrs1\s+2\s+\d\s+0\s+\d+s/,
    );
    await c.k(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: ReplicationController
metadata: { name: legacy }
spec:
  replicas: 1
  template:
    metadata: { labels: { app: legacy } }
    spec: { containers: [{ name: c, image: busybox }] }
`,
    });
    expect(await c.k(['get', 'rc', '-o', 'wide'])).toMatch(
      /legacy\s+1\s+\d\s+0\s+\S+\s+c\s+busybox\s+app=legacy/,
    );
    await c.k(['scale', 'rc', 'legacy', '--replicas=2']);
    expect(await jsonpath(['get', 'rc', 'legacy'], '{.spec.replicas}')).toBe('2');
  });

  it('rollout restart patches the template annotation', async () => {
    expect((await c.k(['rollout', 'restart', 'deployment', 'web'])).trim()).toBe(
      'deployment.apps/web restarted',
    );
    const at = await jsonpath(
      ['get', 'deploy', 'web'],
      "{.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}",
    );
    expect(at).not.toBe('');
  });
});

/** Plays the kubelet: marks every pending pod Running and Ready through pods/status. */
function fakeKubelet(): () => void {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const out = await c.kubectl([
        'get',
        'pods',
        '-o',
        'jsonpath={range .items[?(@.status.phase=="Pending")]}{.metadata.name}{"\\n"}{end}',
      ]);
      for (const name of out.stdout.split('\n').filter(Boolean)) {
        const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
        await c.kubectl([
          'patch',
          'pod',
          name,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify(status),
        ]);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}

const podNames = async (selector: string) =>
  (await c.k(['get', 'pods', '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}']))
    .split(' ')
    .filter(Boolean)
    .sort();

describe('workload controllers through kubectl', () => {
  let stopKubelet: (() => void) | undefined;
  beforeAll(() => {
    stopKubelet = fakeKubelet();
  });
  afterAll(() => stopKubelet?.());

  it('rolls a Deployment out, updates it, undoes the update and scales it', async () => {
    await c.k(['create', 'deployment', 'app', '--image=nginx', '--replicas=3']);
    const status = await c.k(['rollout', 'status', 'deployment/app', '--timeout=60s']);
    expect(status).toContain('deployment "app" successfully rolled out');
    expect(await podNames('app=app')).toHaveLength(3);
    const rs = await c.k(['get', 'rs', '-l', 'app=app', '-o', 'name']);
    expect(rs.trim()).toMatch(/^replicaset\.apps\/app-[a-z0-9]+$/);

    await c.k(['set', 'image', 'deployment/app', 'nginx=nginx:1.27']);
    await c.k(['rollout', 'status', 'deployment/app', '--timeout=60s']);
    expect(
      await jsonpath(
        ['get', 'deploy', 'app'],
        "{.metadata.annotations['deployment\\.kubernetes\\.io/revision']}",
      ),
    ).toBe('2');
    expect(
      await c.k(['get', 'pods', '-l', 'app=app', '-o', 'jsonpath={.items[*].spec.containers[0].image}']),
    ).toBe('nginx:1.27 nginx:1.27 nginx:1.27');

    expect((await c.k(['rollout', 'undo', 'deployment/app'])).trim()).toBe('deployment.apps/app rolled back');
    await c.k(['rollout', 'status', 'deployment/app', '--timeout=60s']);
    expect(await jsonpath(['get', 'deploy', 'app'], '{.spec.template.spec.containers[0].image}')).toBe(
      'nginx',
    );
    expect(
      await jsonpath(
        ['get', 'deploy', 'app'],
        "{.metadata.annotations['deployment\\.kubernetes\\.io/revision']}",
      ),
    ).toBe('3');

    await c.k(['scale', 'deployment', 'app', '--replicas=1']);
    await expect.poll(() => podNames('app=app'), { timeout: 30_000 }).toHaveLength(1);
    const described = await c.k(['describe', 'deployment', 'app']);
    expect(described).toMatch(/Available\s+True\s+MinimumReplicasAvailable/);
    expect(described).toMatch(/Progressing\s+True\s+NewReplicaSetAvailable/);
  });

  it('starts a StatefulSet in order and scales it down in reverse', async () => {
    stopKubelet?.();
    await c.k(['apply', '-f', '-'], { input: statefulSet('ord', 3) });
    await expect.poll(() => podNames('app=ord'), { timeout: 30_000 }).toEqual(['ord-0']);
    stopKubelet = fakeKubelet();
    await expect.poll(() => podNames('app=ord'), { timeout: 60_000 }).toEqual(['ord-0', 'ord-1', 'ord-2']);
    const status = await c.k(['rollout', 'status', 'statefulset/ord', '--timeout=60s']);
    expect(status).toContain('partitioned roll out complete');
    expect(await c.k(['get', 'pod', 'ord-1', '-o', 'jsonpath={.spec.hostname}.{.spec.subdomain}'])).toBe(
      'ord-1.ord',
    );
    await c.k(['scale', 'sts', 'ord', '--replicas=1']);
    await expect.poll(() => podNames('app=ord'), { timeout: 30_000 }).toEqual(['ord-0']);
  });

  it('keeps StatefulSet revisions as ControllerRevisions: rollout history and undo', async () => {
    await c.k(['apply', '-f', '-'], { input: statefulSet('hist', 2, 'Parallel') });
    await c.k(['rollout', 'status', 'statefulset/hist', '--timeout=60s']);
    const rev1 = await jsonpath(['get', 'sts', 'hist'], '{.status.currentRevision}');
    expect(rev1).toMatch(/^hist-[a-z0-9]+$/);
    expect(await jsonpath(['get', 'pod', 'hist-0'], "{.metadata.labels['controller-revision-hash']}")).toBe(
      rev1,
    );
    await c.k(['set', 'image', 'statefulset/hist', 'c=busybox:1.36']);
    await expect
      .poll(() => jsonpath(['get', 'sts', 'hist'], '{.status.currentRevision}'), { timeout: 60_000 })
      .not.toBe(rev1);
    const table = await c.k(['get', 'controllerrevisions']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE$/);
    expect(table).toMatch(new RegExp(`${rev1}\\s+statefulset.apps/hist\\s+1\\s`));
    const history = await c.k(['rollout', 'history', 'statefulset/hist']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await c.k(['rollout', 'history', 'statefulset/hist', '--revision=1'])).toContain(
      'Image:\tbusybox\n',
    );

    expect((await c.k(['rollout', 'undo', 'statefulset/hist'])).trim()).toBe(
      'statefulset.apps/hist rolled back',
    );
    await expect
      .poll(() => jsonpath(['get', 'sts', 'hist'], '{.status.currentRevision}'), { timeout: 60_000 })
      .toBe(rev1);
    expect(await jsonpath(['get', 'sts', 'hist'], '{.spec.template.spec.containers[0].image}')).toBe(
      'busybox',
    );
    await expect
      .poll(
        () => c.k(['get', 'pods', '-l', 'app=hist', '-o', 'jsonpath={.items[*].spec.containers[0].image}']),
        {
          timeout: 60_000,
        },
      )
      .toBe('busybox busybox');
    // The first revision came back as number 3.
    expect(await c.k(['rollout', 'history', 'statefulset/hist'])).toMatch(/\n2\s+<none>\n3\s+<none>/);
    await c.k(['delete', 'sts', 'hist']);
    await expect
      .poll(async () => (await c.k(['get', 'controllerrevisions', '-l', 'app=hist', '-o', 'name'])).trim(), {
        timeout: 30_000,
      })
      .toBe('');
  }, 120_000);

  it('deletes a Deployment with its ReplicaSets and pods (background cascade)', async () => {
    await c.k(['delete', 'deployment', 'app']);
    await expect.poll(() => podNames('app=app'), { timeout: 30_000 }).toEqual([]);
    expect((await c.k(['get', 'rs', '-l', 'app=app', '-o', 'name'])).trim()).toBe('');
  });
});
