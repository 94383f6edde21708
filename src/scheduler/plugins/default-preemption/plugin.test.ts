import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState, type NodeInfo, type Status } from '../../framework/interface.js';
import { Fit } from '../node-resources/fit.js';
import { container, fakeHandle, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { DefaultPreemption, type PreemptionHandle, fitErrorMessage } from './plugin.js';

const cpuPod = (
  name: string,
  cpu: string,
  priority?: number,
  extra: Partial<NonNullable<Pod['spec']>> = {},
): Pod =>
  makePod(name, {
    containers: [container({ cpu })],
    ...(priority === undefined ? {} : { priority }),
    ...extra,
  });
const cpuNode = (name: string, cpu: string, pods: Pod[] = []): NodeInfo =>
  nodeInfo(makeNode(name, { allocatable: { cpu, memory: '8Gi', pods: '110' } }), pods);
const fitFailure = (reason = 'Insufficient cpu'): Status => ({
  code: 'Unschedulable',
  reasons: [reason],
  plugin: 'NodeResourcesFit',
});
const statusesFor = (nodes: NodeInfo[], status: (n: NodeInfo) => Status | undefined) =>
  new Map(
    nodes.flatMap((n) => {
      const s = status(n);
      return s ? [[n.node.metadata?.name ?? '', s] as const] : [];
    }),
  );

const run = (
  nodes: NodeInfo[],
  pod: Pod,
  statuses: Map<string, Status>,
  extra: Partial<PreemptionHandle> = {},
) => {
  const deleted: string[] = [];
  const handle: PreemptionHandle = {
    ...fakeHandle(nodes),
    deletePod: async (p) => void deleted.push(p.metadata?.name ?? ''),
    ...extra,
  };
  const result = new DefaultPreemption(handle, () => 0).postFilter(new CycleState(), pod, statuses);
  return { result, deleted };
};

describe('DefaultPreemption', () => {
  it('is not helpful when every node is unresolvable (the message the framework appends)', () => {
    const nodes = [cpuNode('n1', '1'), cpuNode('n2', '1'), cpuNode('n3', '1')];
    const unresolvable: Status = {
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
    };
    const { result } = run(
      nodes,
      cpuPod('p', '1', 10),
      statusesFor(nodes, () => unresolvable),
    );
    expect(result).toEqual({
      nominatedNodeName: '',
      status: {
        code: 'Unschedulable',
        reasons: ['preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'],
      },
    });
  });

  it('reports nodes without lower-priority pods, and nodes left out of the statuses as not helpful', () => {
    const nodes = [
      cpuNode('n1', '1', [cpuPod('a', '1', 10)]),
      cpuNode('n2', '1', [cpuPod('b', '1')]),
      cpuNode('n3', '1'),
    ];
    const statuses = statusesFor(nodes, (n) => (n.node.metadata?.name === 'n3' ? undefined : fitFailure()));
    const { result } = run(nodes, cpuPod('p', '1', 0), statuses);
    expect(result.status.reasons).toEqual([
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    ]);
  });

  it('refuses pods with preemptionPolicy Never', () => {
    const nodes = [cpuNode('n1', '1', [cpuPod('a', '1', 0)])];
    const { result } = run(
      nodes,
      cpuPod('p', '1', 10, { preemptionPolicy: 'Never' }),
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result).toEqual({
      status: { code: 'Unschedulable', reasons: ['preemption: not eligible due to preemptionPolicy=Never.'] },
    });
  });

  it('waits while victims terminate on the nominated node', () => {
    const victim: Pod = {
      ...cpuPod('a', '1', 0),
      metadata: { name: 'a', namespace: 'default', deletionTimestamp: '2024-01-01T00:00:00Z' },
      status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
    };
    const nodes = [cpuNode('n1', '1', [victim])];
    const pod: Pod = { ...cpuPod('p', '1', 10), status: { nominatedNodeName: 'n1' } };
    const { result } = run(
      nodes,
      pod,
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result.status.reasons).toEqual([
      'preemption: not eligible due to a terminating pod on the nominated node.',
    ]);
  });

  it('evicts the fewest lower-priority pods and nominates the node', async () => {
    // 4 cpu: a (2, prio 0) + b (1, prio 1) leave 1; p needs 3 → b is reprieved, a is the victim.
    const nodes = [cpuNode('n1', '4', [cpuPod('a', '2', 0), cpuPod('b', '1', 1)])];
    const { result, deleted } = run(
      nodes,
      cpuPod('p', '3', 10),
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result.nominatedNodeName).toBe('n1');
    expect(result.status).toEqual({ code: 'Success', reasons: [] });
    expect(result.victims?.map((v) => v.metadata?.name)).toEqual(['a']);
    await result.evictions;
    expect(deleted).toEqual(['a']);
  });

  it('prefers the node whose victims have the lowest priority', () => {
    const nodes = [cpuNode('n1', '2', [cpuPod('a', '2', 5)]), cpuNode('n2', '2', [cpuPod('b', '2', 1)])];
    const { result } = run(
      nodes,
      cpuPod('p', '2', 10),
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result.nominatedNodeName).toBe('n2');
  });

  it('reports the Filter status when evicting every lower-priority pod is not enough', () => {
    const nodes = [cpuNode('n1', '2', [cpuPod('a', '1', 0), cpuPod('hi', '1', 100)])];
    const { result } = run(
      nodes,
      cpuPod('p', '2', 10),
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result.status.reasons).toEqual(['preemption: 0/1 nodes are available: 1 Insufficient cpu.']);
  });

  it('does not guess for nodes rejected by other plugins without runFilterPlugins', () => {
    const nodes = [cpuNode('n1', '2', [cpuPod('a', '1', 0)])];
    const antiAffinity: Status = {
      code: 'Unschedulable',
      reasons: ["node(s) didn't match pod anti-affinity rules"],
      plugin: 'InterPodAffinity',
    };
    const { result, deleted } = run(
      nodes,
      cpuPod('p', '1', 10),
      statusesFor(nodes, () => antiAffinity),
    );
    expect(result.status.reasons).toEqual([
      "preemption: 0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.",
    ]);
    expect(deleted).toEqual([]);
  });

  it('does not use the built-in check when some pod has required anti-affinity', () => {
    const anti = cpuPod('a', '1', 0, {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: {} },
          ],
        },
      },
    });
    const nodes = [cpuNode('n1', '2', [anti])];
    const { result, deleted } = run(
      nodes,
      cpuPod('p', '2', 10),
      statusesFor(nodes, () => fitFailure()),
    );
    expect(result.status.reasons).toEqual(['preemption: 0/1 nodes are available: 1 Insufficient cpu.']);
    expect(deleted).toEqual([]);
  });

  it("uses the framework's runFilterPlugins when offered", () => {
    const nodes = [cpuNode('n1', '2', [cpuPod('a', '1', 0)])];
    const seen: number[] = [];
    const fit = new Fit();
    const runFilterPlugins = (_s: CycleState, pod: Pod, node: NodeInfo): Status => {
      seen.push(node.pods.length);
      const s = new CycleState();
      fit.preFilter(s, pod);
      return fit.filter(s, pod, node);
    };
    const status: Status = { code: 'Unschedulable', reasons: ['x'], plugin: 'SomethingElse' };
    const { result } = run(
      nodes,
      cpuPod('p', '2', 10),
      statusesFor(nodes, () => status),
      { runFilterPlugins },
    );
    expect(result.nominatedNodeName).toBe('n1');
    expect(seen).toEqual([0, 1]);
  });
});

describe('fitErrorMessage', () => {
  it('sorts the histogram and counts absent nodes with the absent status', () => {
    const statuses = new Map<string, Status>([
      ['a', { code: 'Unschedulable', reasons: ['Insufficient memory', 'Insufficient cpu'] }],
      ['b', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
    ]);
    expect(fitErrorMessage(5, statuses, { code: 'UnschedulableAndUnresolvable', reasons: ['Z'] })).toBe(
      '0/5 nodes are available: 1 Insufficient memory, 2 Insufficient cpu, 3 Z.',
    );
  });
});
