import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { newRSNewReplicas, planOldReplicaSets, planScale, replicaSetsToCleanUp } from './rolling.js';
import { computeHash, equalIgnoreHash, maxSurge, maxUnavailable, resolveFenceposts } from './util.js';

const deployment = (
  replicas: number,
  surge: number | string = '25%',
  unavailable: number | string = '25%',
): Deployment => ({
  metadata: { name: 'd', generation: 1 },
  spec: {
    replicas,
    selector: {},
    template: {},
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    revisionHistoryLimit: 1,
  },
});

const rs = (
  name: string,
  replicas: number,
  available = replicas,
  extra: Partial<ReplicaSet['metadata']> = {},
): ReplicaSet => ({
  metadata: { name, creationTimestamp: `2024-01-01T00:00:0${name.length % 10}Z`, ...extra },
  spec: { replicas, selector: {}, template: {} },
  status: { replicas, availableReplicas: available },
});

describe('resolveFenceposts', () => {
  it.each([
    ['25%', '25%', 10, [3, 2]],
    ['25%', '25%', 3, [1, 0]],
    ['25%', '25%', 1, [1, 0]],
    [0, '10%', 5, [0, 1]],
    ['0%', '0%', 4, [0, 1]],
    [2, 1, 10, [2, 1]],
  ] as const)('surge %s unavailable %s of %i', (s, u, n, want) => {
    expect(resolveFenceposts(s, u, n)).toEqual(want);
  });

  it('caps maxUnavailable at replicas and ignores Recreate', () => {
    expect(maxUnavailable(deployment(2, 0, 5))).toBe(2);
    const recreate = { ...deployment(3), spec: { ...deployment(3).spec!, strategy: { type: 'Recreate' } } };
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
  });
});

describe('pod-template-hash', () => {
  it('is stable, safe-encoded, and changes with the template and collision count', () => {
    const t = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const h = computeHash(t);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(structuredClone(t))).toBe(h);
    expect(computeHash(t, 1)).not.toBe(h);
    expect(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'y' }] } })).not.toBe(h);
  });

  it('is ignored when comparing templates', () => {
    const a = { metadata: { labels: { app: 'x' } } };
    expect(equalIgnoreHash(a, { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } } })).toBe(true);
    expect(equalIgnoreHash(a, { metadata: { labels: { app: 'y' } } })).toBe(false);
  });
});

describe('rolling update', () => {
  it('surges the new ReplicaSet up to replicas + maxSurge', () => {
    const d = deployment(10);
    const newRS = rs('new', 0);
    expect(newRSNewReplicas(d, [rs('old', 10), newRS], newRS)).toBe(3);
    const grown = rs('new', 3, 0);
    expect(newRSNewReplicas(d, [rs('old', 10), grown], grown)).toBe(3);
  });

  it('scales old ReplicaSets down while keeping replicas - maxUnavailable available', () => {
    const d = deployment(10);
    // 10 old available, 3 new not yet available: 13 pods, 8 must stay available → 2 old can go.
    expect(
      planOldReplicaSets(d, [rs('old', 10)], rs('new', 3, 0)).map(([r, n]) => [r.metadata?.name, n]),
    ).toEqual([['old', 8]]);
    // The 4 unavailable old pods go first, then 1 available one (9 available, 8 must stay).
    expect(planOldReplicaSets(d, [rs('old', 10, 6)], rs('new', 3, 3)).map(([, n]) => n)).toEqual([5]);
    expect(planOldReplicaSets(d, [rs('old', 0)], rs('new', 10))).toEqual([]);
  });

  it('shares a resize in proportion to the ReplicaSets', () => {
    const d = deployment(20);
    const a = rs('a', 6, 6, { annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    const b = rs('bb', 4, 4, { annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    const steps = planScale(d, b, [a]).map(([r, n]) => [r.metadata?.name, n]);
    // 20 + 5 surge = 25 allowed, 10 running: each grows by its share of 25/13 (rounded),
    // +6 and +4, and the leftover 5 goes to the largest.
    expect(steps).toEqual([
      ['a', 17],
      ['bb', 8],
    ]);
  });

  it('gives the whole size to the only active ReplicaSet', () => {
    expect(
      planScale(deployment(5), rs('new', 3), [rs('old', 0)]).map(([r, n]) => [r.metadata?.name, n]),
    ).toEqual([['new', 5]]);
  });

  it('cleans up scaled-down ReplicaSets beyond the history limit, oldest revision first', () => {
    const rev = (n: string) => ({ annotations: { 'deployment.kubernetes.io/revision': n } });
    const old = [rs('r3', 0, 0, rev('3')), rs('r1', 0, 0, rev('1')), rs('r2', 1, 1, rev('2'))];
    expect(replicaSetsToCleanUp(deployment(1), old).map((r) => r.metadata?.name)).toEqual(['r1']);
  });
});
