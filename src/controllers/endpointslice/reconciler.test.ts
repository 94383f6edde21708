import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { testPod, testService } from '../endpoint/testing.js';
import { desiredEndpoints } from './desired.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, planSlices } from './reconciler.js';

const svc = testService();
const pods = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => testPod({ name: `p${from + i}`, ip: `10.42.1.${from + i + 1}` }));

/** The slices after the plan is carried out (created ones named s0, s1, …). */
function apply(existing: EndpointSlice[], plan: ReturnType<typeof planSlices>): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata?.name));
  const updated = new Map(plan.update.map((s) => [s.metadata?.name, s]));
  const kept = existing
    .filter((s) => !gone.has(s.metadata?.name))
    .map((s) => updated.get(s.metadata?.name) ?? s);
  const created = plan.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `new${i}` } }));
  return [...kept, ...created];
}

describe('desiredEndpoints', () => {
  it('sets ready, serving and terminating as upstream', () => {
    const groups = desiredEndpoints(svc, [
      testPod({ name: 'a', ip: '10.42.0.2' }),
      testPod({ name: 'b', ip: '10.42.0.3', ready: false }),
      testPod({ name: 'c', ip: '10.42.0.4', terminating: true }),
      testPod({ name: 'd' }),
    ]);
    const [group] = [...groups.values()];
    expect(group?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(group?.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.42.0.2', { ready: true, serving: true, terminating: false }],
      ['10.42.0.3', { ready: false, serving: false, terminating: false }],
      ['10.42.0.4', { ready: false, serving: true, terminating: true }],
    ]);
    const published = desiredEndpoints(testService({ publishNotReadyAddresses: true }), [
      testPod({ name: 'b', ip: '10.42.0.3', ready: false }),
    ]);
    expect([...published.values()][0]?.endpoints[0]?.conditions?.ready).toBe(true);
  });
});

describe('planSlices', () => {
  it('creates a labelled, owned placeholder when nothing is selected', () => {
    const plan = planSlices(svc, [], new Map());
    expect(plan.create).toHaveLength(1);
    const slice = plan.create[0];
    expect(slice?.endpoints).toEqual([]);
    expect(slice?.ports).toBeUndefined();
    expect(slice?.metadata?.labels).toMatchObject({
      [LABEL_SERVICE_NAME]: 'web',
      [LABEL_MANAGED_BY]: CONTROLLER_NAME,
    });
    expect(slice?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
      controller: true,
    });
  });

  it('splits endpoints into slices of at most the maximum', () => {
    const plan = planSlices(svc, [], desiredEndpoints(svc, pods(7)), 3);
    expect(plan.create.map((s) => s.endpoints.length)).toEqual([3, 3, 1]);
  });

  it('keeps endpoints where they are, fills free room, deletes emptied slices', () => {
    let slices = apply([], planSlices(svc, [], desiredEndpoints(svc, pods(6)), 3));
    // p0 and p1 go (both in the first slice), p6 arrives: it takes the room they left.
    const next = [...pods(6).slice(2), ...pods(1, 6)];
    const plan = planSlices(svc, slices, desiredEndpoints(svc, next), 3);
    expect(plan.create).toHaveLength(0);
    expect(plan.delete).toHaveLength(0);
    expect(plan.update).toHaveLength(1);
    slices = apply(slices, plan);
    expect(slices.map((s) => s.endpoints.map((e) => e.addresses[0]))).toEqual([
      ['10.42.1.3', '10.42.1.7'],
      ['10.42.1.4', '10.42.1.5', '10.42.1.6'],
    ]);
    // Nothing changes: nothing to write.
    const idle = planSlices(svc, slices, desiredEndpoints(svc, next), 3);
    expect(idle).toEqual({ create: [], update: [], delete: [] });
    // Everything goes: one placeholder remains.
    const emptied = apply(slices, planSlices(svc, slices, new Map(), 3));
    expect(emptied).toHaveLength(1);
    expect(emptied[0]?.endpoints).toEqual([]);
  });
});
