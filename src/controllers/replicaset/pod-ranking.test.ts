import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { podsToDelete, replicaDiff, slowStartBatches } from './pod-ranking.js';

const pod = (
  name: string,
  o: {
    node?: string;
    phase?: string;
    ready?: string;
    cost?: string;
    created?: string;
    restarts?: number;
  } = {},
): Pod => ({
  metadata: {
    name,
    creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
    ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
  },
  spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
  status: {
    phase: o.phase ?? 'Running',
    ...(o.ready ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] } : {}),
    containerStatuses: [
      { name: 'c', image: '', imageID: '', ready: !!o.ready, restartCount: o.restarts ?? 0 },
    ],
  },
});

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name);

describe('podsToDelete', () => {
  const ready = '2024-01-01T00:00:00Z';
  it('prefers unscheduled, then pending, then not ready pods', () => {
    const pods = [
      pod('ready', { node: 'n1', ready }),
      pod('notready', { node: 'n1' }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    expect(names(podsToDelete(pods, pods, 3))).toEqual(['unscheduled', 'pending', 'notready']);
  });

  it('then lower deletion cost, doubled-up nodes, more recently ready, more restarts, newer', () => {
    const a = pod('cheap', { node: 'n1', ready, cost: '-5' });
    const b = pod('crowded', { node: 'n2', ready });
    const c = pod('alone', { node: 'n3', ready });
    const sibling = pod('sibling', { node: 'n2', ready });
    expect(names(podsToDelete([a, b, c], [a, b, c, sibling], 2))).toEqual(['cheap', 'crowded']);
    const older = pod('older', { node: 'n1', ready: '2024-01-01T00:00:00Z' });
    const recent = pod('recent', { node: 'n2', ready: '2024-01-02T00:00:00Z' });
    expect(names(podsToDelete([older, recent], [], 1))).toEqual(['recent']);
    const restarted = pod('restarted', { node: 'n1', ready, restarts: 3 });
    const calm = pod('calm', { node: 'n2', ready });
    expect(names(podsToDelete([calm, restarted], [], 1))).toEqual(['restarted']);
    const newer = pod('newer', { node: 'n1', ready, created: '2024-02-01T00:00:00Z' });
    const old = pod('old', { node: 'n2', ready });
    expect(names(podsToDelete([old, newer], [], 1))).toEqual(['newer']);
  });
});

describe('replica arithmetic', () => {
  it('creates or deletes the difference, at most a burst at a time', () => {
    expect(replicaDiff(2, 5)).toBe(3);
    expect(replicaDiff(5, 2)).toBe(-3);
    expect(replicaDiff(0, 10_000)).toBe(500);
  });

  it('creates in slow-start batches', () => {
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(0)).toEqual([]);
  });
});
