import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../testing/test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const pods = () => server.api.registry('', 'v1', 'pods');
const budgets = () => server.api.registry('policy', 'v1', 'poddisruptionbudgets');

async function runningPod(name: string, ready = true, phase = 'Running'): Promise<void> {
  await pods().create('default', {
    metadata: { name, labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  } as Pod);
  await pods().guaranteedUpdate(
    'default',
    name,
    (obj) => ({
      ...obj,
      status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    }),
    { subresource: 'status' },
  );
}

async function budget(
  name: string,
  status: { healthy: number; desired: number; allowed: number; observedGeneration?: number },
  spec: PodDisruptionBudgetSpec = {},
): Promise<void> {
  await budgets().create('default', {
    metadata: { name },
    spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: status.desired, ...spec },
  } as PodDisruptionBudget);
  await budgets().guaranteedUpdate(
    'default',
    name,
    (obj) => ({
      ...obj,
      status: {
        currentHealthy: status.healthy,
        desiredHealthy: status.desired,
        disruptionsAllowed: status.allowed,
        expectedPods: status.healthy,
        observedGeneration: status.observedGeneration ?? 1,
      },
    }),
    { subresource: 'status' },
  );
}

const evict = (name: string, deleteOptions?: Record<string, unknown>) =>
  server.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace: 'default' },
    ...(deleteOptions ? { deleteOptions } : {}),
  });

const exists = async (name: string): Promise<boolean> =>
  pods()
    .get('default', name)
    .then(
      () => true,
      () => false,
    );

const getBudget = async (name: string) => (await budgets().get('default', name)) as PodDisruptionBudget;

describe('pods/eviction', () => {
  it('deletes a pod no budget covers: 201 Success', async () => {
    await runningPod('p');
    const res = await evict('p');
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(await exists('p')).toBe(false);
  });

  it('answers 404 for a missing pod and 400 for a mismatched name', async () => {
    expect((await evict('nope')).status).toBe(404);
    await runningPod('p');
    const res = await server.request('POST', '/api/v1/namespaces/default/pods/p/eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'other' },
    });
    expect(res.status).toBe(400);
  });

  it('takes one disruption from the budget and records the pod', async () => {
    await runningPod('a');
    await runningPod('b');
    await budget('pdb', { healthy: 2, desired: 1, allowed: 1 });
    expect((await evict('a')).status).toBe(201);
    expect(await exists('a')).toBe(false);
    const b = await getBudget('pdb');
    expect(b.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(b.status?.disruptedPods ?? {})).toStrictEqual(['a']);
    expect(b.status?.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      reason: 'InsufficientPods',
    });

    const blocked = await evict('b');
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget pdb needs 1 healthy pods and has 2 currently',
          },
        ],
      },
    });
    expect(await exists('b')).toBe(true);
  });

  it('answers 429 while the budget status is stale', async () => {
    await runningPod('a');
    await budget('pdb', { healthy: 3, desired: 1, allowed: 2, observedGeneration: 0 });
    const res = await evict('a');
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget pdb is still being processed by the server.',
          },
        ],
      },
    });
  });

  it('refuses a pod covered by two budgets with 500', async () => {
    await runningPod('a');
    await budget('one', { healthy: 3, desired: 1, allowed: 2 });
    await budget('two', { healthy: 3, desired: 1, allowed: 2 });
    const res = await evict('a');
    expect(res.status).toBe(500);
    expect(res.json.message).toBe(
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
    expect(await exists('a')).toBe(true);
  });

  it('lets terminal and pending pods go without asking the budget', async () => {
    await runningPod('done', true, 'Succeeded');
    await runningPod('pending', false, 'Pending');
    await budget('pdb', { healthy: 0, desired: 1, allowed: 0 });
    expect((await evict('done')).status).toBe(201);
    expect((await evict('pending')).status).toBe(201);
    expect((await getBudget('pdb')).status?.disruptionsAllowed).toBe(0);
  });

  it('unhealthy pods: evicted when the budget is met (IfHealthyBudget) or always (AlwaysAllow)', async () => {
    await runningPod('sick', false);
    await budget('pdb', { healthy: 2, desired: 2, allowed: 0 });
    expect((await evict('sick')).status).toBe(201);
    expect((await getBudget('pdb')).status?.disruptedPods).toBeUndefined();

    await runningPod('sick2', false);
    await budgets().guaranteedUpdate(
      'default',
      'pdb',
      (o) => ({ ...o, status: { ...(o as PodDisruptionBudget).status, currentHealthy: 1 } }),
      { subresource: 'status' },
    );
    expect((await evict('sick2')).status).toBe(429);
    await budgets().guaranteedUpdate('default', 'pdb', (o) => {
      const b = o as PodDisruptionBudget;
      return { ...b, spec: { ...b.spec, unhealthyPodEvictionPolicy: 'AlwaysAllow' } };
    });
    // The spec change bumps the generation; the controller would catch up.
    await budgets().guaranteedUpdate(
      'default',
      'pdb',
      (o) => ({ ...o, status: { ...(o as PodDisruptionBudget).status, observedGeneration: 2 } }),
      { subresource: 'status' },
    );
    expect((await evict('sick2')).status).toBe(201);
  });

  it('honours dryRun: nothing is deleted or recorded', async () => {
    await runningPod('a');
    await budget('pdb', { healthy: 2, desired: 1, allowed: 1 });
    expect((await evict('a', { dryRun: ['All'] })).status).toBe(201);
    expect(await exists('a')).toBe(true);
    expect((await getBudget('pdb')).status?.disruptionsAllowed).toBe(1);
  });

  it('100 parallel evictions never take the budget below its floor', async () => {
    const n = 100;
    for (let i = 0; i < n; i++) await runningPod(`p${i}`);
    await budget('pdb', { healthy: n, desired: 93, allowed: 7 });
    const results = await Promise.all(Array.from({ length: n }, (_, i) => evict(`p${i}`)));
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(7);
    expect(codes.filter((c) => c === 429)).toHaveLength(93);
    const left = (await pods().list('default')).items.length;
    expect(left).toBe(93);
    const b = await getBudget('pdb');
    expect(b.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(b.status?.disruptedPods ?? {})).toHaveLength(7);
  });
});
