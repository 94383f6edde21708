import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { newStatefulSetPod } from './identity.js';
import { planStatefulSet } from './plan.js';

const now = new Date('2024-01-01T01:00:00Z');
const set = (replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  metadata: { name: 'web', uid: 'u', generation: 1 },
  spec: {
    replicas,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } },
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    ...extra,
  },
});

const pod = (ord: number, ready = true, revision = 'r1'): Pod => {
  const p = newStatefulSetPod(set(1), ord, revision);
  return {
    ...p,
    status: {
      phase: ready ? 'Running' : 'Pending',
      ...(ready
        ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] }
        : {}),
    },
  };
};

const describeActions = (sts: StatefulSet, pods: Pod[], update = 'r1') =>
  planStatefulSet(sts, pods, 'r1', update, now).actions.map((a) =>
    a.type === 'create' ? `create ${a.ordinal}` : `delete ${a.pod.metadata?.name ?? ''}`,
  );

describe('planStatefulSet', () => {
  it('OrderedReady creates the next ordinal only once the previous ones are ready', () => {
    expect(describeActions(set(3), [])).toEqual(['create 0']);
    expect(describeActions(set(3), [pod(0, false)])).toEqual([]);
    expect(describeActions(set(3), [pod(0)])).toEqual(['create 1']);
  });

  it('Parallel creates every missing ordinal', () => {
    expect(describeActions(set(3, { podManagementPolicy: 'Parallel' }), [pod(1, false)])).toEqual([
      'create 0',
      'create 2',
    ]);
  });

  it('scales down from the highest ordinal, one at a time when ordered', () => {
    expect(describeActions(set(1), [pod(0), pod(1), pod(2)])).toEqual(['delete web-2']);
    expect(describeActions(set(1, { podManagementPolicy: 'Parallel' }), [pod(0), pod(1), pod(2)])).toEqual([
      'delete web-2',
      'delete web-1',
    ]);
  });

  it('rolls pods to the update revision from the highest ordinal down to the partition', () => {
    const pods = [pod(0), pod(1), pod(2)];
    expect(describeActions(set(3), pods, 'r2')).toEqual(['delete web-2']);
    expect(describeActions(set(3), [pod(0), pod(1), pod(2, true, 'r2')], 'r2')).toEqual(['delete web-1']);
    expect(describeActions(set(3), [pod(0), pod(1), pod(2, false, 'r2')], 'r2')).toEqual([]);
    const partitioned = set(3, {
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
    });
    expect(describeActions(partitioned, [pod(0), pod(1), pod(2, true, 'r2')], 'r2')).toEqual([]);
    const onDelete = set(3, { updateStrategy: { type: 'OnDelete' } });
    expect(describeActions(onDelete, pods, 'r2')).toEqual([]);
  });

  it('reports counts and makes the update revision current once every pod runs it', () => {
    const st = planStatefulSet(set(2), [pod(0, true, 'r2'), pod(1, true, 'r2')], 'r1', 'r2', now).status;
    expect(st).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      currentReplicas: 2,
      currentRevision: 'r2',
    });
  });
});
