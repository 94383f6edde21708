import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import {
  type ClusterLister,
  CycleState,
  type NodeScore,
  type PreScorePlugin,
  type ScorePlugin,
  labelHostname,
  labelZone,
} from '../../framework/interface.js';
import { podTopologySpreadFactory } from './plugin.js';
import { scoreForCount, topologyNormalizingWeight } from './scoring.js';
import { emptyLister, fooBar, makeHandle, makeNode, makeNodeInfos, makePod } from './testing.js';

interface Run {
  nodes: Node[];
  pods: Pod[];
  incoming: Pod;
  args?: unknown;
  lister?: ClusterLister;
  /** Names of the nodes that passed Filter (all when unset). */
  filtered?: string[];
}

/** PreScore, Score and NormalizeScore over the filtered nodes: node → final score, or the PreScore code. */
function scoreAll(r: Run): Record<string, number> | string {
  const infos = makeNodeInfos(r.nodes, r.pods);
  const pl = podTopologySpreadFactory(r.args, makeHandle(infos, r.lister ?? emptyLister)) as PreScorePlugin &
    ScorePlugin;
  const filtered = infos.filter((i) => !r.filtered || r.filtered.includes(i.node.metadata?.name ?? ''));
  const state = new CycleState();
  const pre = pl.preScore(state, r.incoming, filtered);
  if (pre.code !== 'Success') return pre.code;
  const scores: NodeScore[] = filtered.map((info) => {
    const { score, status } = pl.score(state, r.incoming, info);
    expect(status.code).toBe('Success');
    return { name: info.node.metadata?.name ?? '', score };
  });
  expect(pl.normalizeScore?.(state, r.incoming, scores).code).toBe('Success');
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const soft = (key: string, maxSkew = 1) => fooBar(key, maxSkew, { whenUnsatisfiable: 'ScheduleAnyway' });
const foo = { foo: 'bar' };
const host = (name: string, zone?: string) =>
  makeNode(name, { [labelHostname]: name, ...(zone ? { zone, [labelZone]: zone } : {}) });
const docNodes = [
  host('node1', 'zoneA'),
  host('node2', 'zoneA'),
  host('node3', 'zoneB'),
  host('node4', 'zoneB'),
];
const docPods = ['node1', 'node2', 'node3'].map((n, i) => makePod(`p${i + 1}`, { labels: foo, nodeName: n }));
const mypod = (o: Parameters<typeof makePod>[1]) => makePod('mypod', { labels: foo, ...o });

describe('PodTopologySpread scoring helpers', () => {
  it('weights a domain count by log(domains + 2) and waters it down by maxSkew − 1', () => {
    expect(topologyNormalizingWeight(0)).toBeCloseTo(Math.log(2));
    expect(topologyNormalizingWeight(5000)).toBeCloseTo(8.52, 2);
    expect(scoreForCount(2, 1, Math.log(4))).toBeCloseTo(2 * Math.log(4));
    expect(scoreForCount(0, 3, 1.5)).toBe(2);
  });
});

describe('PodTopologySpread Score: fewer matching pods score higher', () => {
  it.each<[string, Run, Record<string, number> | string]>([
    [
      'documentation cluster, zone constraint: zoneB (1 pod) beats zoneA (2 pods)',
      { nodes: docNodes, pods: docPods, incoming: mypod({ constraints: [soft('zone')] }) },
      { node1: 33, node2: 33, node3: 100, node4: 100 },
    ],
    [
      'hostname constraint: only the empty node4 gets the top score',
      { nodes: docNodes, pods: docPods, incoming: mypod({ constraints: [soft(labelHostname)] }) },
      { node1: 0, node2: 0, node3: 0, node4: 100 },
    ],
    [
      'a larger maxSkew tolerates skew: the gap narrows',
      { nodes: docNodes, pods: docPods, incoming: mypod({ constraints: [soft(labelHostname, 3)] }) },
      { node1: 50, node2: 50, node3: 50, node4: 100 },
    ],
    [
      'zone and hostname constraints add up',
      {
        nodes: docNodes,
        pods: docPods,
        incoming: mypod({ constraints: [soft('zone'), soft(labelHostname)] }),
      },
      { node1: 20, node2: 20, node3: 60, node4: 100 },
    ],
    [
      'no matching pods anywhere: every node gets 100',
      { nodes: docNodes, pods: [], incoming: mypod({ constraints: [soft('zone')] }) },
      { node1: 100, node2: 100, node3: 100, node4: 100 },
    ],
    [
      'a filtered node missing the topology key scores 0',
      {
        nodes: [...docNodes, host('node5')],
        pods: docPods,
        incoming: mypod({ constraints: [soft('zone')] }),
      },
      { node1: 33, node2: 33, node3: 100, node4: 100, node5: 0 },
    ],
    [
      'only domains of filtered nodes count: a single domain scores evenly',
      {
        nodes: docNodes,
        pods: docPods,
        incoming: mypod({ constraints: [soft('zone')] }),
        filtered: ['node1', 'node2'],
      },
      { node1: 100, node2: 100 },
    ],
    [
      'pods in other namespaces and terminating pods are not counted',
      {
        nodes: docNodes,
        pods: [
          makePod('a', { labels: foo, nodeName: 'node1', namespace: 'other' }),
          makePod('b', { labels: foo, nodeName: 'node2', terminating: true }),
          makePod('c', { labels: foo, nodeName: 'node3' }),
        ],
        incoming: mypod({ constraints: [soft('zone')] }),
      },
      { node1: 100, node2: 100, node3: 0, node4: 0 },
    ],
    [
      'pods with only DoNotSchedule constraints are skipped',
      { nodes: docNodes, pods: docPods, incoming: mypod({ constraints: [fooBar('zone')] }) },
      'Skip',
    ],
  ])('%s', (_name, run, want) => {
    expect(scoreAll(run)).toEqual(want);
  });
});

describe('PodTopologySpread Score: cluster-level default constraints', () => {
  const web = { app: 'web' };
  const webPods = [
    makePod('w1', { labels: web, nodeName: 'node1' }),
    makePod('w2', { labels: web, nodeName: 'node1' }),
    makePod('w3', { labels: web, nodeName: 'node3' }),
  ];
  const nodes = [...docNodes, host('node5')];
  const service: ClusterLister = {
    services: (ns) => (ns === 'default' ? [{ metadata: { name: 'web' }, spec: { selector: web } }] : []),
    namespaces: () => [],
    controllerSelector: () => undefined,
  };
  const replicaSet: ClusterLister = {
    services: () => [],
    namespaces: () => [],
    controllerSelector: (_ns, kind, name) =>
      kind === 'ReplicaSet' && name === 'web-rs' ? { matchLabels: web } : undefined,
  };
  const rsOwned = makePod('mypod', {
    labels: web,
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs' },
  });

  it.each<[string, Run, Record<string, number> | string]>([
    [
      'System defaults (hostname maxSkew 3, zone maxSkew 5) for a Service’s pod; a node without zone is still spread by hostname',
      { nodes, pods: webPods, incoming: makePod('mypod', { labels: web }), lister: service },
      { node1: 15, node2: 46, node3: 38, node4: 53, node5: 100 },
    ],
    [
      'List defaults for a ReplicaSet’s pod: nodes missing a key are not scored',
      {
        nodes,
        pods: webPods,
        incoming: rsOwned,
        lister: replicaSet,
        args: {
          defaultingType: 'List',
          defaultConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }],
        },
      },
      { node1: 33, node2: 33, node3: 100, node4: 100, node5: 0 },
    ],
    [
      'a pod no Service or controller selects gets no defaults',
      { nodes, pods: webPods, incoming: makePod('mypod', { labels: web }) },
      'Skip',
    ],
    [
      'List with no default constraints disables defaults',
      {
        nodes,
        pods: webPods,
        incoming: makePod('mypod', { labels: web }),
        lister: service,
        args: { defaultingType: 'List' },
      },
      'Skip',
    ],
    [
      'defaults do not apply to a pod with constraints of its own',
      {
        nodes,
        pods: webPods,
        incoming: makePod('mypod', { labels: web, constraints: [fooBar('zone')] }),
        lister: service,
      },
      'Skip',
    ],
  ])('%s', (_name, run, want) => {
    expect(scoreAll(run)).toEqual(want);
  });
});
