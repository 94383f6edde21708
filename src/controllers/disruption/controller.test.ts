import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../apiserver/api.js';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
import { newTestApi, silentLogger } from '../testing/cluster.js';
import { DELETION_TIMEOUT_MS } from './budget.js';
import { DisruptionController } from './controller.js';

let api: Api;
let clock: FakeClock;
let abort: AbortController;

beforeEach(async () => {
  api = await newTestApi();
  clock = new FakeClock(Date.now());
  abort = new AbortController();
  await new DisruptionController({ api, logger: silentLogger, clock }).start(abort.signal);
});
afterEach(() => abort.abort());

const pods = () => api.registry('', 'v1', 'pods');
const budgets = () => api.registry('policy', 'v1', 'poddisruptionbudgets');
const createBudget = (spec: PodDisruptionBudgetSpec) =>
  budgets().create('default', { metadata: { name: 'pdb' }, spec } as PodDisruptionBudget);
const status = async (name = 'pdb') => ((await budgets().get('default', name)) as PodDisruptionBudget).status;

async function pod(name: string, ready: boolean, owner?: { kind: string; name: string; uid: string }) {
  await pods().create('default', {
    metadata: {
      name,
      labels: { app: 'web' },
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', controller: true, ...owner }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  } as Pod);
  await setReady(name, ready);
}

const setReady = (name: string, ready: boolean) =>
  pods().guaranteedUpdate(
    'default',
    name,
    (o) => ({
      ...o,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    }),
    { subresource: 'status' },
  );

describe('DisruptionController', () => {
  it('computes an integer minAvailable budget and follows pod readiness', async () => {
    await pod('a', true);
    await pod('b', true);
    await pod('c', false);
    await createBudget({ selector: { matchLabels: { app: 'web' } }, minAvailable: 1 });
    await expect.poll(status).toMatchObject({
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 3,
      disruptionsAllowed: 1,
      observedGeneration: 1,
    });
    await setReady('c', true);
    await expect.poll(async () => (await status())?.disruptionsAllowed).toBe(2);
    expect((await status())?.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      reason: 'SufficientPods',
    });
  });

  it('fails safe (SyncFailed) for a percentage when the pods have no known controller', async () => {
    await pod('a', true, { kind: 'Widget', name: 'w', uid: 'u1' });
    await createBudget({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: '50%' });
    await expect.poll(async () => (await status())?.conditions?.[0]?.reason).toBe('SyncFailed');
    expect((await status())?.disruptionsAllowed).toBe(0);
    expect((await status())?.conditions?.[0]?.message).toBe('found no controllers for pod "a"');
  });

  it('counts an eviction until the pod goes or the entry expires', async () => {
    await pod('a', true);
    await pod('b', true);
    await createBudget({ selector: { matchLabels: { app: 'web' } }, minAvailable: 1 });
    await expect.poll(async () => (await status())?.disruptionsAllowed).toBe(1);
    // What the eviction subresource writes (then its pod deletion never happens).
    await budgets().guaranteedUpdate(
      'default',
      'pdb',
      (o) => {
        const b = o as PodDisruptionBudget;
        const st = b.status ?? {
          currentHealthy: 0,
          desiredHealthy: 0,
          disruptionsAllowed: 0,
          expectedPods: 0,
        };
        return {
          ...b,
          status: {
            ...st,
            disruptionsAllowed: 0,
            disruptedPods: { a: new Date(clock.now()).toISOString().slice(0, 19) + 'Z' },
          },
        };
      },
      { subresource: 'status' },
    );
    await setReady('b', true); // any event: the controller recomputes and keeps the entry
    await expect.poll(async () => (await status())?.currentHealthy).toBe(1);
    expect((await status())?.disruptionsAllowed).toBe(0);
    await clock.advance(DELETION_TIMEOUT_MS + 1000);
    await expect.poll(async () => (await status())?.disruptedPods).toBeUndefined();
    expect((await status())?.disruptionsAllowed).toBe(1);
  });

  it('records NoPods, and CalculateExpectedPodCountFailed when the expected count is unknown', async () => {
    await createBudget({ selector: { matchLabels: { app: 'web' } }, minAvailable: 1 });
    const events = async () =>
      ((await api.registry('', 'v1', 'events').list('default')).items as Event[]).map((e) => [
        e.type,
        e.reason,
        e.message,
        e.source?.component,
        e.involvedObject.kind,
      ]);
    await expect
      .poll(events)
      .toContainEqual([
        'Normal',
        'NoPods',
        'No matching pods found',
        'controllermanager',
        'PodDisruptionBudget',
      ]);
    await pod('a', true, { kind: 'Widget', name: 'w', uid: 'u1' });
    await budgets().guaranteedUpdate('default', 'pdb', (o) => {
      const b = o as PodDisruptionBudget;
      return { ...b, spec: { selector: b.spec?.selector, maxUnavailable: '50%' } } as PodDisruptionBudget;
    });
    await expect
      .poll(events)
      .toContainEqual([
        'Warning',
        'CalculateExpectedPodCountFailed',
        'Failed to calculate the number of expected pods: found no controllers for pod "a"',
        'controllermanager',
        'PodDisruptionBudget',
      ]);
  });
});
