import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import { describe, expect, it } from 'vitest';
import {
  DELETION_TIMEOUT_MS,
  computeStatus,
  expectedPodCount,
  failSafeStatus,
  pdbMatchesPod,
  rfc3339,
  scaledValue,
} from './budget.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');

const pod = (name: string, ready: boolean, extra: { deleting?: boolean } = {}): Pod => ({
  metadata: {
    name,
    namespace: 'ns',
    labels: { app: 'web' },
    ...(extra.deleting ? { deletionTimestamp: '2024-01-01T00:09:00Z' } : {}),
  },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const pdb = (spec: PodDisruptionBudgetSpec, disrupted?: Record<string, string>): PodDisruptionBudget => ({
  metadata: { name: 'b', namespace: 'ns', generation: 3 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  ...(disrupted
    ? {
        status: {
          currentHealthy: 0,
          desiredHealthy: 0,
          disruptionsAllowed: 0,
          expectedPods: 0,
          disruptedPods: disrupted,
        },
      }
    : {}),
});

describe('scaledValue', () => {
  it.each([
    [5, 10, true, 5],
    ['50%', 3, true, 2],
    ['50%', 3, false, 1],
    ['34%', 10, true, 4],
    ['0%', 7, true, 0],
    ['100%', 7, true, 7],
  ] as const)('%s of %i (roundUp %s) = %i', (value, total, up, want) => {
    expect(scaledValue(value, total, up)).toBe(want);
  });

  it('refuses what is neither an integer nor a percentage', () => {
    expect(() => scaledValue('five', 10, true)).toThrow(/invalid value/);
  });
});

describe('expectedPodCount', () => {
  it.each<[string, PodDisruptionBudgetSpec, number, number, number, number]>([
    ['minAvailable int: the matching pods', { minAvailable: 2 }, 4, 10, 4, 2],
    ['minAvailable %: of the scale, rounded up', { minAvailable: '50%' }, 4, 5, 5, 3],
    ['maxUnavailable int', { maxUnavailable: 1 }, 4, 5, 5, 4],
    ['maxUnavailable %: rounded up, so fewer desired', { maxUnavailable: '50%' }, 4, 3, 3, 1],
    ['maxUnavailable above the scale: never negative', { maxUnavailable: 9 }, 2, 3, 3, 0],
    ['neither: nothing expected', {}, 4, 0, 0, 0],
  ])('%s', (_name, spec, matching, scale, expected, desired) => {
    expect(expectedPodCount(spec, matching, scale)).toStrictEqual({
      expectedCount: expected,
      desiredHealthy: desired,
    });
  });
});

describe('computeStatus', () => {
  const pods = [pod('a', true), pod('b', true), pod('c', true), pod('d', false)];

  it('counts ready pods and allows the surplus, with DisruptionAllowed True', () => {
    const b = pdb({ minAvailable: 2 });
    const { status } = computeStatus({
      pdb: b,
      pods,
      expected: { expectedCount: 4, desiredHealthy: 2 },
      now: NOW,
    });
    expect(status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 4,
      disruptionsAllowed: 1,
      observedGeneration: 3,
    });
    expect(status.conditions).toStrictEqual([
      {
        type: 'DisruptionAllowed',
        status: 'True',
        reason: 'SufficientPods',
        message: '',
        observedGeneration: 3,
        lastTransitionTime: rfc3339(NOW),
      },
    ]);
  });

  it('allows nothing below the floor (InsufficientPods) or when nothing is expected', () => {
    const b = pdb({ minAvailable: 5 });
    const low = computeStatus({ pdb: b, pods, expected: { expectedCount: 4, desiredHealthy: 5 }, now: NOW });
    expect(low.status.disruptionsAllowed).toBe(0);
    expect(low.status.conditions?.[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
    const none = computeStatus({ pdb: b, pods, expected: { expectedCount: 0, desiredHealthy: 0 }, now: NOW });
    expect(none.status.disruptionsAllowed).toBe(0);
  });

  it('keeps fresh evictions out of the healthy count until they expire or the pod goes', () => {
    const fresh = rfc3339(NOW - 30_000);
    const stale = rfc3339(NOW - DELETION_TIMEOUT_MS - 1000);
    const b = pdb({ minAvailable: 1 }, { a: fresh, b: stale, gone: fresh, d: fresh });
    const withDeleting = [...pods.slice(0, 3), pod('d', true, { deleting: true })];
    const plan = computeStatus({
      pdb: b,
      pods: withDeleting,
      expected: { expectedCount: 4, desiredHealthy: 1 },
      now: NOW,
    });
    expect(plan.status.disruptedPods).toStrictEqual({ a: fresh });
    expect(plan.status.currentHealthy).toBe(2); // b and c; a is being evicted, d terminating
    expect(plan.recheckAt).toBe(NOW - 30_000 + DELETION_TIMEOUT_MS);
  });

  it('keeps lastTransitionTime while the condition holds', () => {
    const b = pdb({ minAvailable: 1 });
    const first = computeStatus({
      pdb: b,
      pods,
      expected: { expectedCount: 4, desiredHealthy: 1 },
      now: NOW,
    });
    const again = computeStatus({
      pdb: { ...b, status: first.status },
      pods,
      expected: { expectedCount: 4, desiredHealthy: 1 },
      now: NOW + 60_000,
    });
    expect(again.status).toStrictEqual(first.status);
  });
});

describe('failSafeStatus', () => {
  it('allows no disruption and says why', () => {
    const status = failSafeStatus(pdb({ maxUnavailable: '10%' }), 'found no controllers for pod "a"', NOW);
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      status: 'False',
      reason: 'SyncFailed',
      message: 'found no controllers for pod "a"',
    });
  });
});

describe('pdbMatchesPod', () => {
  it('matches by selector in the namespace; an empty selector matches all, none nothing', () => {
    const p = pod('a', true);
    expect(pdbMatchesPod(pdb({}), p)).toBe(true);
    expect(pdbMatchesPod({ metadata: { namespace: 'ns' }, spec: { selector: {} } }, p)).toBe(true);
    expect(pdbMatchesPod({ metadata: { namespace: 'ns' }, spec: {} }, p)).toBe(false);
    expect(pdbMatchesPod({ metadata: { namespace: 'other' }, spec: { selector: {} } }, p)).toBe(false);
  });
});
