import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import { CycleState, type FilterPlugin, type PreFilterPlugin } from '../../framework/interface.js';
import { errReasonConstraintsNotMatch, errReasonNodeLabelNotMatch } from './common.js';
import { podTopologySpreadFactory } from './plugin.js';
import { fooBar, makeHandle, makeNode, makeNodeInfos, makePod } from './testing.js';

const NOT_MATCH = errReasonConstraintsNotMatch;
const MISSING = errReasonNodeLabelNotMatch;

/** Runs PreFilter then Filter on every node: node name → 'ok' or the failure reason. */
function filterAll(nodes: Node[], existing: Pod[], incoming: Pod): Record<string, string> {
  const infos = makeNodeInfos(nodes, existing);
  const pl = podTopologySpreadFactory(undefined, makeHandle(infos)) as PreFilterPlugin & FilterPlugin;
  const state = new CycleState();
  const pre = pl.preFilter(state, incoming, infos);
  expect(pre.status.code).toBe('Success');
  return Object.fromEntries(
    infos.map((info) => {
      const s = pl.filter(state, incoming, info);
      return [info.node.metadata?.name, s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`];
    }),
  );
}

const fail = `Unschedulable: ${NOT_MATCH}`;
const missing = `UnschedulableAndUnresolvable: ${MISSING}`;

// The documentation's 4-node cluster: node1, node2 in zoneA; node3, node4 in zoneB.
const docNodes = [
  makeNode('node1', { zone: 'zoneA' }),
  makeNode('node2', { zone: 'zoneA' }),
  makeNode('node3', { zone: 'zoneB' }),
  makeNode('node4', { zone: 'zoneB' }),
];
const foo = { foo: 'bar' };
const docPods = ['node1', 'node2', 'node3'].map((n, i) => makePod(`p${i + 1}`, { labels: foo, nodeName: n }));
const mypod = (o: Parameters<typeof makePod>[1]) => makePod('mypod', { labels: foo, ...o });

describe('PodTopologySpread Filter: documentation examples', () => {
  it.each<[string, Node[], Pod[], Pod, Record<string, string>]>([
    [
      'one constraint on zone, maxSkew 1: only zoneB keeps the skew at 1',
      docNodes,
      docPods,
      mypod({ constraints: [fooBar('zone')] }),
      { node1: fail, node2: fail, node3: 'ok', node4: 'ok' },
    ],
    [
      'maxSkew 2 also admits zoneA',
      docNodes,
      docPods,
      mypod({ constraints: [fooBar('zone', 2)] }),
      { node1: 'ok', node2: 'ok', node3: 'ok', node4: 'ok' },
    ],
    [
      'topologyKey node: only the empty node4',
      docNodes,
      docPods,
      mypod({ constraints: [fooBar('node')] }),
      { node1: fail, node2: fail, node3: fail, node4: 'ok' },
    ],
    [
      'two constraints (zone and node) are ANDed: node4',
      docNodes,
      docPods,
      mypod({ constraints: [fooBar('zone'), fooBar('node')] }),
      { node1: fail, node2: fail, node3: fail, node4: 'ok' },
    ],
    [
      'conflicting constraints leave no node',
      docNodes.slice(0, 3),
      [
        makePod('p1', { labels: foo, nodeName: 'node1' }),
        makePod('p2', { labels: foo, nodeName: 'node1' }),
        makePod('p3', { labels: foo, nodeName: 'node2' }),
        makePod('p4', { labels: foo, nodeName: 'node3' }),
        makePod('p5', { labels: foo, nodeName: 'node3' }),
      ],
      mypod({ constraints: [fooBar('zone'), fooBar('node')] }),
      { node1: fail, node2: fail, node3: fail },
    ],
    [
      'a node without the zone label is bypassed: its pods do not count and it is never chosen',
      [makeNode('node1', {}), ...docNodes.slice(1, 3)],
      [
        makePod('p1', { labels: foo, nodeName: 'node1' }),
        makePod('p2', { labels: foo, nodeName: 'node1' }),
        makePod('p3', { labels: foo, nodeName: 'node2' }),
        makePod('p4', { labels: foo, nodeName: 'node3' }),
        makePod('p5', { labels: foo, nodeName: 'node3' }),
      ],
      mypod({ constraints: [fooBar('zone'), fooBar('node')] }),
      { node1: missing, node2: 'ok', node3: fail },
    ],
    [
      'a mistyped topology label is missing the key',
      [...docNodes, makeNode('node5', { 'zone-typo': 'zoneC' })],
      docPods,
      mypod({ constraints: [fooBar('zone')] }),
      { node1: fail, node2: fail, node3: 'ok', node4: 'ok', node5: missing },
    ],
    [
      'an incoming pod its selector does not match adds no skew',
      docNodes,
      docPods,
      makePod('mypod', { constraints: [fooBar('zone')] }),
      { node1: 'ok', node2: 'ok', node3: 'ok', node4: 'ok' },
    ],
  ])('%s', (_name, nodes, existing, incoming, want) => {
    expect(filterAll(nodes, existing, incoming)).toEqual(want);
  });
});

describe('PodTopologySpread Filter: node inclusion policies', () => {
  const fiveNodes = [...docNodes, makeNode('node5', { zone: 'zoneC' })];
  const notZoneC = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['zoneC'] }] }],
      },
    },
  };
  const taintC = [
    makeNode('node5', { zone: 'zoneC' }, [{ key: 'dedicated', value: 'c', effect: 'NoSchedule' }]),
  ];
  // node5 passes this plugin in every case: keeping the pod off it is the NodeAffinity/TaintToleration filters' job.
  it.each<[string, Node[], Pod, Record<string, string>]>([
    [
      'documentation: node affinity excluding zoneC puts the pod in zoneB (Honor is the default)',
      fiveNodes,
      mypod({ constraints: [fooBar('zone')], affinity: notZoneC }),
      { node1: fail, node2: fail, node3: 'ok', node4: 'ok', node5: 'ok' },
    ],
    [
      'nodeSelector is honoured the same way',
      [
        ...docNodes.map((n) => ({
          ...n,
          metadata: { ...n.metadata, labels: { ...n.metadata?.labels, disk: 'ssd' } },
        })),
        makeNode('node5', { zone: 'zoneC', disk: 'hdd' }),
      ],
      mypod({ constraints: [fooBar('zone')], nodeSelector: { disk: 'ssd' } }),
      { node1: fail, node2: fail, node3: 'ok', node4: 'ok', node5: 'ok' },
    ],
    [
      'without node affinity, the empty zoneC is the global minimum',
      fiveNodes,
      mypod({ constraints: [fooBar('zone')] }),
      { node1: fail, node2: fail, node3: fail, node4: fail, node5: 'ok' },
    ],
    [
      'nodeAffinityPolicy Ignore counts zoneC despite the affinity',
      fiveNodes,
      mypod({ constraints: [fooBar('zone', 1, { nodeAffinityPolicy: 'Ignore' })], affinity: notZoneC }),
      { node1: fail, node2: fail, node3: fail, node4: fail, node5: 'ok' },
    ],
    [
      'nodeTaintsPolicy Ignore (default) counts a tainted zoneC',
      [...docNodes, ...taintC],
      mypod({ constraints: [fooBar('zone')] }),
      { node1: fail, node2: fail, node3: fail, node4: fail, node5: 'ok' },
    ],
    [
      'nodeTaintsPolicy Honor leaves out nodes with untolerated taints',
      [...docNodes, ...taintC],
      mypod({ constraints: [fooBar('zone', 1, { nodeTaintsPolicy: 'Honor' })] }),
      { node1: fail, node2: fail, node3: 'ok', node4: 'ok', node5: 'ok' },
    ],
    [
      'nodeTaintsPolicy Honor keeps nodes whose taints the pod tolerates',
      [...docNodes, ...taintC],
      mypod({
        constraints: [fooBar('zone', 1, { nodeTaintsPolicy: 'Honor' })],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'c', effect: 'NoSchedule' }],
      }),
      { node1: fail, node2: fail, node3: fail, node4: fail, node5: 'ok' },
    ],
  ])('%s', (_name, nodes, incoming, want) => {
    expect(filterAll(nodes, docPods, incoming)).toEqual(want);
  });
});

describe('PodTopologySpread Filter: minDomains', () => {
  // The API reference's example: 3 zones holding 2/2/2 matching pods.
  const nodes = ['zone1', 'zone2', 'zone3'].map((z) => makeNode(`n-${z}`, { zone: z }));
  const pods = nodes.flatMap((n, i) =>
    [0, 1].map((j) => makePod(`p${i}${j}`, { labels: foo, nodeName: n.metadata?.name })),
  );
  it.each<[string, number | undefined, string]>([
    ['fewer eligible domains (3) than minDomains (5): global minimum 0, skew 3 > 2', 5, fail],
    ['as many domains as minDomains: global minimum 2, skew 1', 3, 'ok'],
    ['minDomains unset behaves as 1', undefined, 'ok'],
  ])('%s', (_name, minDomains, want) => {
    const c = fooBar('zone', 2, minDomains === undefined ? {} : { minDomains });
    const got = filterAll(nodes, pods, mypod({ constraints: [c] }));
    expect(Object.values(got)).toEqual([want, want, want]);
  });
});

describe('PodTopologySpread Filter: which pods count', () => {
  const nodes = docNodes.slice(0, 3); // zoneA: node1, node2; zoneB: node3
  it.each<[string, Pod[], Pod, Record<string, string>]>([
    [
      'terminating pods are not counted',
      [
        makePod('a', { labels: foo, nodeName: 'node1' }),
        makePod('b', { labels: foo, nodeName: 'node3', terminating: true }),
      ],
      mypod({ constraints: [fooBar('zone')] }),
      { node1: fail, node2: fail, node3: 'ok' },
    ],
    [
      'pods of other namespaces are not counted',
      [makePod('a', { labels: foo, nodeName: 'node1', namespace: 'other' })],
      mypod({ constraints: [fooBar('zone')] }),
      { node1: 'ok', node2: 'ok', node3: 'ok' },
    ],
    [
      'pods the selector does not match are not counted',
      [makePod('a', { labels: { foo: 'baz' }, nodeName: 'node1' })],
      mypod({ constraints: [fooBar('zone')] }),
      { node1: 'ok', node2: 'ok', node3: 'ok' },
    ],
    [
      'matchLabelKeys: only pods with the incoming pod’s pod-template-hash count',
      [
        makePod('old1', { labels: { ...foo, 'pod-template-hash': 'v1' }, nodeName: 'node3' }),
        makePod('old2', { labels: { ...foo, 'pod-template-hash': 'v1' }, nodeName: 'node3' }),
        makePod('new1', { labels: { ...foo, 'pod-template-hash': 'v2' }, nodeName: 'node1' }),
      ],
      makePod('mypod', {
        labels: { ...foo, 'pod-template-hash': 'v2' },
        constraints: [fooBar('zone', 1, { matchLabelKeys: ['pod-template-hash'] })],
      }),
      { node1: fail, node2: fail, node3: 'ok' },
    ],
    [
      'matchLabelKeys absent from the pod labels are ignored',
      [makePod('a', { labels: foo, nodeName: 'node1' })],
      mypod({ constraints: [fooBar('zone', 1, { matchLabelKeys: ['pod-template-hash'] })] }),
      { node1: fail, node2: fail, node3: 'ok' },
    ],
    [
      'ScheduleAnyway constraints never filter',
      [makePod('a', { labels: foo, nodeName: 'node1' }), makePod('b', { labels: foo, nodeName: 'node1' })],
      mypod({ constraints: [fooBar('zone', 1, { whenUnsatisfiable: 'ScheduleAnyway' }), fooBar('node')] }),
      { node1: fail, node2: 'ok', node3: 'ok' },
    ],
  ])('%s', (_name, existing, incoming, want) => {
    expect(filterAll(nodes, existing, incoming)).toEqual(want);
  });
});

describe('PodTopologySpread PreFilter', () => {
  const infos = makeNodeInfos(docNodes, docPods);
  const pl = podTopologySpreadFactory({ defaultingType: 'List' }, makeHandle(infos)) as PreFilterPlugin &
    FilterPlugin;

  it('skips pods without DoNotSchedule constraints, and Filter then admits every node', () => {
    const state = new CycleState();
    expect(pl.preFilter(state, makePod('p'), infos).status.code).toBe('Skip');
    expect(pl.filter(state, makePod('p'), infos[0]!).code).toBe('Success');
  });

  it('answers Error for a selector that does not parse', () => {
    const bad = fooBar('zone', 1, {
      labelSelector: { matchExpressions: [{ key: 'foo', operator: 'Near', values: ['x'] }] },
    });
    const { status } = pl.preFilter(new CycleState(), mypod({ constraints: [bad] }), infos);
    expect(status.code).toBe('Error');
    expect(status.reasons[0]).toMatch(/Near/);
  });

  it('answers Error from Filter when PreFilter did not run', () => {
    expect(pl.filter(new CycleState(), mypod({}), infos[0]!).code).toBe('Error');
  });
});
