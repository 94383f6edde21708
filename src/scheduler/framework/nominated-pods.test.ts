import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import { defaultConfiguration } from '../apis/config/defaults.js';
import { inTreeRegistry } from '../plugins/registry.js';
import { Nominator } from '../queue/nominator.js';
import { node as makeNode, pod as makePod } from '../testing/objects.js';
import { CycleState, type Handle, type NodeInfo } from './interface.js';
import { newNodeInfo } from './node-info.js';
import { Framework } from './runtime.js';

interface Nominated {
  pod: Pod;
  node: string;
}

const withMeta = (p: Pod, name: string, labels: Record<string, string>, priority: number): Pod => ({
  ...p,
  metadata: { ...p.metadata, name, uid: `uid-${name}`, labels },
  spec: { ...(p.spec ?? { containers: [] }), priority },
});

/** A pod of `cpu` (and priority, labels); its spec extras merged in. */
const pod = (
  name: string,
  cpu: string,
  o: { priority?: number; labels?: Record<string, string>; spec?: Partial<Pod['spec']> } = {},
): Pod => withMeta(makePod(name, cpu, o.spec ?? {}), name, o.labels ?? { app: 'web' }, o.priority ?? 0);

const on = (p: Pod, nodeName: string): Pod => ({
  ...p,
  spec: { ...(p.spec ?? { containers: [] }), nodeName },
});

/** Two 4-CPU nodes; n1 already runs a 2-CPU pod. */
const nodes: Node[] = [makeNode('n1', 'z1'), makeNode('n2', 'z2')];
const running = [on(pod('running', '2'), 'n1')];

const affinityToDb: Partial<Pod['spec']> = {
  affinity: {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } },
      ],
    },
  },
};

const spreadOverHosts: Partial<Pod['spec']> = {
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'web' } },
    },
  ],
};

/** PreFilter, then Filter (nominated pods counted) on every node: node → 'ok' or the reasons. */
function filterAll(incoming: Pod, nominated: Nominated[], existing: Pod[] = running): Record<string, string> {
  const infos: NodeInfo[] = nodes.map((n) =>
    newNodeInfo(
      n,
      existing.filter((p) => p.spec?.nodeName === n.metadata?.name),
    ),
  );
  const handle: Handle = {
    snapshot: () => ({
      nodeInfos: () => infos,
      get: (name) => infos.find((i) => i.node.metadata?.name === name),
    }),
    lister: { services: () => [], namespaces: () => [], controllerSelector: () => undefined },
  };
  const nominator = new Nominator();
  for (const n of nominated) nominator.add(n.pod, n.node);
  const profile = defaultConfiguration().profiles[0];
  if (!profile) throw new Error('no default profile');
  const fwk = new Framework({ profile, registry: inTreeRegistry, handle, nominator });
  const state = new CycleState();
  const pre = fwk.runPreFilterPlugins(state, incoming, infos);
  expect(pre.status.code).toBe('Success');
  return Object.fromEntries(
    infos.map((info) => {
      const s = fwk.runFilterPluginsWithNominatedPods(state, incoming, info);
      return [info.node.metadata?.name, s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`];
    }),
  );
}

const cpu = 'Unschedulable: Insufficient cpu';

describe('Filter with nominated pods (runFilterPluginsWithNominatedPods)', () => {
  it.each<[string, Pod, Nominated[], Record<string, string>]>([
    ['no nominated pod: 2 CPUs left on n1', pod('p', '1500m'), [], { n1: 'ok', n2: 'ok' }],
    [
      'a nominated pod of equal priority holds its room',
      pod('p', '1500m', { priority: 10 }),
      [{ pod: pod('preemptor', '1', { priority: 10 }), node: 'n1' }],
      { n1: cpu, n2: 'ok' },
    ],
    [
      'and of higher priority',
      pod('p', '1500m', { priority: 5 }),
      [{ pod: pod('preemptor', '1', { priority: 10 }), node: 'n1' }],
      { n1: cpu, n2: 'ok' },
    ],
    [
      'a lower-priority nominated pod is not counted',
      pod('p', '1500m', { priority: 20 }),
      [{ pod: pod('preemptor', '1', { priority: 10 }), node: 'n1' }],
      { n1: 'ok', n2: 'ok' },
    ],
    [
      'the nominated pod itself is not counted against itself',
      pod('preemptor', '1500m', { priority: 10 }),
      [{ pod: pod('preemptor', '1500m', { priority: 10 }), node: 'n1' }],
      { n1: 'ok', n2: 'ok' },
    ],
    [
      'nominated pods add up; only on their node',
      pod('p', '1', { priority: 0 }),
      [
        { pod: pod('a', '500m', { priority: 10 }), node: 'n1' },
        { pod: pod('b', '600m', { priority: 10 }), node: 'n1' },
        { pod: pod('c', '3', { priority: 10 }), node: 'n2' },
      ],
      { n1: cpu, n2: 'ok' },
    ],
    [
      'spreading counts the nominated pod in its domain (AddPod)',
      pod('p', '100m', { spec: spreadOverHosts }),
      [
        { pod: pod('a', '100m', { priority: 10 }), node: 'n2' },
        { pod: pod('b', '100m', { priority: 10 }), node: 'n2' },
      ],
      // n2: its 2 nominated web pods + itself − min 1 (n1) = 2 > maxSkew; n1 passes with them
      // counted (1 + 1 − 1) but not without (1 + 1 − 0).
      {
        n1: "Unschedulable: node(s) didn't match pod topology spread constraints",
        n2: "Unschedulable: node(s) didn't match pod topology spread constraints",
      },
    ],
    [
      'a nominated pod that may go elsewhere cannot satisfy pod affinity: the second pass fails',
      pod('p', '100m', { spec: affinityToDb }),
      [{ pod: pod('db', '100m', { priority: 10, labels: { app: 'db' } }), node: 'n1' }],
      {
        n1: "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules",
        n2: "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules",
      },
    ],
  ])('%s', (_, incoming, nominated, want) => {
    expect(filterAll(incoming, nominated)).toEqual(want);
  });

  it('without the nominated pod the spreading pod fits the empty node', () => {
    expect(filterAll(pod('p', '100m', { spec: spreadOverHosts }), [])).toEqual({
      n1: "Unschedulable: node(s) didn't match pod topology spread constraints",
      n2: 'ok',
    });
  });
});

describe('Nominator', () => {
  const nominated = (p: Pod, node: string): Pod => ({ ...p, status: { nominatedNodeName: node } });
  const names = (n: Nominator, node: string) => n.nominatedPodsForNode(node).map((p) => p.metadata?.name);

  it('follows the pod status, an override, and keeps an in-memory nomination on updates without one', () => {
    const n = new Nominator();
    const p = pod('p', '1');
    n.add(nominated(p, 'n1'));
    expect(names(n, 'n1')).toEqual(['p']);
    n.add(p, 'n2'); // PostFilter's nomination overrides
    expect(names(n, 'n1')).toEqual([]);
    expect(names(n, 'n2')).toEqual(['p']);
    n.update(p, { ...p, metadata: { ...p.metadata, labels: { x: 'y' } } });
    expect(n.nominatedNodeOf(p)).toBe('n2');
    n.update(p, nominated(p, 'n1')); // the status names a node: it wins
    expect(names(n, 'n1')).toEqual(['p']);
    n.add(p, ''); // cleared
    expect(n.nominatedNodeOf(p)).toBeUndefined();
    n.add(on(nominated(p, 'n1'), 'n1')); // already assigned: not nominated
    expect(names(n, 'n1')).toEqual([]);
    n.add(nominated(p, 'n1'));
    n.delete(p);
    expect(names(n, 'n1')).toEqual([]);
  });

  it('says whether any pod is nominated', () => {
    const n = new Nominator();
    expect(n.isEmpty()).toBe(true);
    const p = pod('p', '1');
    n.add(p, 'n1');
    expect(n.isEmpty()).toBe(false);
    n.add(p, '');
    expect(n.isEmpty()).toBe(true);
  });
});
