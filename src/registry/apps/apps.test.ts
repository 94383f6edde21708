import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../apiserver/testing/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const base = '/apis/apps/v1/namespaces/default';
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'web' } }, template, ...extra },
});

describe('apps/v1 Deployments', () => {
  it('defaults strategy, history, deadline, replicas and the pod template', async () => {
    const r = await s.request('POST', `${base}/deployments`, deployment('d1'));
    expect(r.status).toBe(201);
    const d = r.json as unknown as Deployment;
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(d.spec?.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
    });
    expect(d.spec?.template.spec?.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePolicy: 'File',
    });
    expect(d.metadata?.generation).toBe(1);
    expect(d.status).toEqual({});
  });

  it('refuses a selector that does not match the template labels, and a changed selector', async () => {
    const bad = await s.request(
      'POST',
      `${base}/deployments`,
      deployment('d2', { selector: { matchLabels: { app: 'other' } } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.json['message']).toContain('spec.template.metadata.labels: Invalid value');
    expect(bad.json['message']).toContain('`selector` does not match template `labels`');
    const missing = await s.request('POST', `${base}/deployments`, deployment('d3', { selector: undefined }));
    expect(missing.status).toBe(422);
    expect(missing.json['message']).toContain('spec.selector: Required value');
    const neg = await s.request('POST', `${base}/deployments`, deployment('d4', { replicas: -1 }));
    expect(neg.json['message']).toContain(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    const moved = await s.request(
      'PATCH',
      `${base}/deployments/d1`,
      { spec: { selector: { matchLabels: { app: 'web', x: 'y' } } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(moved.status).toBe(422);
    expect(moved.json['message']).toContain('field is immutable');
  });

  it('bumps the generation on spec and annotation changes, not on status', async () => {
    const patch = (path: string, body: unknown) =>
      s.request('PATCH', path, body, { 'content-type': 'application/merge-patch+json' });
    const r1 = await patch(`${base}/deployments/d1`, { spec: { replicas: 2 } });
    expect((r1.json as unknown as Deployment).metadata?.generation).toBe(2);
    const r2 = await patch(`${base}/deployments/d1`, { metadata: { annotations: { a: 'b' } } });
    expect((r2.json as unknown as Deployment).metadata?.generation).toBe(3);
    const r3 = await patch(`${base}/deployments/d1/status`, {
      status: { observedGeneration: 3, replicas: 2 },
      spec: { replicas: 9 },
    });
    expect((r3.json as unknown as Deployment).metadata?.generation).toBe(3);
    expect((r3.json as unknown as Deployment).spec?.replicas).toBe(2);
  });

  it('serves the scale subresource as an autoscaling/v1 Scale', async () => {
    const get = await s.request('GET', `${base}/deployments/d1/scale`);
    expect(get.json).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'd1', namespace: 'default' },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=web' },
    });
    const patched = await s.request(
      'PATCH',
      `${base}/deployments/d1/scale`,
      { spec: { replicas: 5 } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ spec: { replicas: 5 } });
    const d = (await s.request('GET', `${base}/deployments/d1`)).json as unknown as Deployment;
    expect(d.spec?.replicas).toBe(5);
    expect(d.metadata?.generation).toBe(4);
    const put = await s.request('PUT', `${base}/deployments/d1/scale`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'd1', resourceVersion: '1' },
      spec: { replicas: 1 },
    });
    expect(put.status).toBe(409);
    const neg = await s.request('PUT', `${base}/deployments/d1/scale`, {
      metadata: { name: 'd1' },
      spec: { replicas: -1 },
    });
    expect(neg.status).toBe(422);
    expect(neg.json['details']).toMatchObject({ kind: 'Scale', group: 'autoscaling' });
  });

  it('prints READY UP-TO-DATE AVAILABLE and the wide columns', async () => {
    const r = await s.request('GET', `${base}/deployments`, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const cols = (r.json['columnDefinitions'] as { name: string; priority: number }[]).map((c) => c.name);
    expect(cols).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    const rows = r.json['rows'] as { cells: unknown[] }[];
    expect(rows[0]?.cells.slice(0, 4)).toEqual(['d1', '0/5', 0, 0]);
    expect(rows[0]?.cells.slice(5)).toEqual(['c', 'nginx', 'app=web']);
  });
});

describe('StatefulSets, ReplicaSets and ReplicationControllers', () => {
  it('defaults a StatefulSet and forbids changing other fields than the updatable ones', async () => {
    const r = await s.request('POST', `${base}/statefulsets`, {
      metadata: { name: 's1' },
      spec: { serviceName: 'svc', selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(r.status).toBe(201);
    expect((r.json as unknown as StatefulSet).spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const bad = await s.request(
      'PATCH',
      `${base}/statefulsets/s1`,
      { spec: { serviceName: 'other' } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(bad.status).toBe(422);
    expect(bad.json['message']).toContain('updates to statefulset spec for fields other than');
    const scaled = await s.request(
      'PATCH',
      `${base}/statefulsets/s1/scale`,
      { spec: { replicas: 3 } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(scaled.json).toMatchObject({ spec: { replicas: 3 } });
  });

  it('refuses a ReplicaSet template that does not restart always', async () => {
    const r = await s.request('POST', `${base}/replicasets`, {
      metadata: { name: 'rs1' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } },
      },
    });
    expect(r.status).toBe(422);
    expect(r.json['message']).toContain('spec.template.spec.restartPolicy: Unsupported value: "Never"');
  });

  it('defaults a ReplicationController selector and labels from its template, and scales it', async () => {
    const path = '/api/v1/namespaces/default/replicationcontrollers';
    const r = await s.request('POST', path, { metadata: { name: 'rc1' }, spec: { template } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      metadata: { labels: { app: 'web' } },
      spec: { replicas: 1, selector: { app: 'web' } },
    });
    const scale = await s.request('GET', `${path}/rc1/scale`);
    expect(scale.json).toMatchObject({ spec: { replicas: 1 }, status: { selector: 'app=web' } });
  });

  it('lists scale in discovery as autoscaling/v1 Scale', async () => {
    const r = await s.request('GET', '/apis/apps/v1');
    const res = r.json['resources'] as {
      name: string;
      kind: string;
      group?: string;
      version?: string;
      shortNames?: string[];
    }[];
    expect(res.find((x) => x.name === 'deployments/scale')).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
    });
    expect(res.find((x) => x.name === 'deployments')?.shortNames).toEqual(['deploy']);
  });
});

describe('apps/v1 ControllerRevisions', () => {
  const path = `${base}/controllerrevisions`;
  const revision = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true },
      ],
    },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 1,
    ...extra,
  });

  it('requires data, refuses a negative revision, and keeps data immutable while the revision may change', async () => {
    const noData = await s.request('POST', path, { ...revision('r0'), data: undefined });
    expect(noData.status).toBe(422);
    expect(noData.json['message']).toContain('data: Required value');
    const negative = await s.request('POST', path, revision('r0', { revision: -1 }));
    expect(negative.status).toBe(422);
    expect(negative.json['message']).toContain('revision: Invalid value: -1');
    expect((await s.request('POST', path, revision('r1'))).status).toBe(201);
    const renumbered = await s.request(
      'PATCH',
      `${path}/r1`,
      { revision: 3 },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(renumbered.status).toBe(200);
    expect(renumbered.json['revision']).toBe(3);
    const changed = await s.request(
      'PATCH',
      `${path}/r1`,
      { data: { other: true } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(changed.status).toBe(422);
    expect(changed.json['message']).toContain('data: Invalid value');
    expect(changed.json['message']).toContain('field is immutable');
  });

  it('prints NAME CONTROLLER REVISION AGE, and is in discovery and the OpenAPI documents', async () => {
    await s.request('POST', path, revision('r2', { revision: 2 }));
    const r = await s.request('GET', `${path}/r2`, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const cols = (r.json['columnDefinitions'] as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['Name', 'Controller', 'Revision', 'Age']);
    expect((r.json['rows'] as { cells: unknown[] }[])[0]?.cells.slice(0, 3)).toEqual([
      'r2',
      'statefulset.apps/web',
      2,
    ]);
    const disc = await s.request('GET', '/apis/apps/v1');
    const res = disc.json['resources'] as {
      name: string;
      kind: string;
      namespaced: boolean;
      verbs: string[];
    }[];
    expect(res.find((x) => x.name === 'controllerrevisions')).toMatchObject({
      kind: 'ControllerRevision',
      namespaced: true,
    });
    const v3 = await s.request('GET', '/openapi/v3/apis/apps/v1');
    expect(v3.status).toBe(200);
    const schemas = (v3.json['components'] as { schemas: Record<string, unknown> }).schemas;
    expect(schemas['io.k8s.api.apps.v1.ControllerRevision']).toBeDefined();
    expect(Object.keys(v3.json['paths'] as object)).toContain(
      '/apis/apps/v1/namespaces/{namespace}/controllerrevisions/{name}',
    );
  });
});
