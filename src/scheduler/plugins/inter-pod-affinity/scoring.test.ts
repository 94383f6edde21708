import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import {
  CycleState,
  type NodeScore,
  type PreScorePlugin,
  type ScorePlugin,
  labelHostname,
  labelZone,
} from '../../framework/interface.js';
import { interPodAffinityFactory } from './plugin.js';
import { bareNode, makeHandle, makeNode, makeNodeInfos, makePod, term } from './testing.js';

interface Run {
  nodes: Node[];
  pods: Pod[];
  incoming: Pod;
  args?: unknown;
}

/** PreScore, Score and NormalizeScore on every node: node → final score, or the PreScore code. */
function scoreAll(r: Run): Record<string, number> | string {
  const infos = makeNodeInfos(r.nodes, r.pods);
  const pl = interPodAffinityFactory(r.args, makeHandle(infos)) as PreScorePlugin & ScorePlugin;
  const state = new CycleState();
  const pre = pl.preScore(state, r.incoming, infos);
  if (pre.code !== 'Success') return pre.code;
  const scores: NodeScore[] = infos.map((info) => ({
    name: info.node.metadata?.name ?? '',
    score: pl.score(state, r.incoming, info).score,
  }));
  expect(pl.normalizeScore?.(state, r.incoming, scores).code).toBe('Success');
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const H = labelHostname;
const Z = labelZone;
const nodes = [makeNode('n1', 'V'), makeNode('n2', 'V'), makeNode('n3', 'W')];
const a = { app: 'a' };
const b = { app: 'b' };
const on = (nodeName: string, labels: Record<string, string>, o: Parameters<typeof makePod>[1] = {}) =>
  makePod(`${nodeName}-${Object.values(labels).join('-')}`, { labels, nodeName, ...o });

describe('InterPodAffinity Score', () => {
  it.each<[string, Run, Record<string, number> | string]>([
    [
      'documentation: preferred anti-affinity to security=S2 in the zone, weight 100',
      {
        nodes,
        pods: [on('n1', { security: 'S2' })],
        incoming: makePod('p', { preferredAntiAffinity: [[100, term(Z, { security: 'S2' })]] }),
      },
      { n1: 0, n2: 0, n3: 100 },
    ],
    [
      'preferred affinity terms add their weights per topology',
      {
        nodes,
        pods: [on('n2', a)],
        incoming: makePod('p', {
          preferredAffinity: [
            [80, term(Z, a)],
            [20, term(H, a)],
          ],
        }),
      },
      { n1: 80, n2: 100, n3: 0 },
    ],
    [
      'affinity and anti-affinity weights combine, normalized between the lowest and highest',
      {
        nodes,
        pods: [on('n1', a), on('n2', b)],
        incoming: makePod('p', {
          preferredAffinity: [[10, term(Z, a)]],
          preferredAntiAffinity: [[30, term(H, b)]],
        }),
      },
      { n1: 100, n2: 0, n3: 66 },
    ],
    [
      'symmetry: an existing pod’s preferred affinity attracts the incoming pod',
      {
        nodes,
        pods: [on('n3', b, { preferredAffinity: [[50, term(Z, a)]] })],
        incoming: makePod('p', { labels: a }),
      },
      { n1: 0, n2: 0, n3: 100 },
    ],
    [
      'symmetry: an existing pod’s preferred anti-affinity repels it',
      {
        nodes,
        pods: [on('n1', b, { preferredAntiAffinity: [[50, term(H, a)]] })],
        incoming: makePod('p', { labels: a }),
      },
      { n1: 0, n2: 100, n3: 100 },
    ],
    [
      'an existing pod’s required affinity counts hardPodAffinityWeight (1 by default)',
      { nodes, pods: [on('n3', b, { affinity: [term(Z, a)] })], incoming: makePod('p', { labels: a }) },
      { n1: 0, n2: 0, n3: 100 },
    ],
    [
      'hardPodAffinityWeight 0 ignores existing pods’ required affinity',
      {
        nodes,
        pods: [on('n3', b, { affinity: [term(Z, a)] })],
        incoming: makePod('p', { labels: a }),
        args: { hardPodAffinityWeight: 0 },
      },
      'Skip',
    ],
    [
      'existing pods’ required anti-affinity does not score',
      { nodes, pods: [on('n3', b, { antiAffinity: [term(Z, a)] })], incoming: makePod('p', { labels: a }) },
      'Skip',
    ],
    [
      'pods in other namespaces do not match a term without namespaces',
      {
        nodes,
        pods: [on('n1', a, { namespace: 'other' })],
        incoming: makePod('p', { preferredAffinity: [[10, term(Z, a)]] }),
      },
      'Skip',
    ],
    [
      'pods on nodes without labels do not count',
      {
        nodes: [...nodes, bareNode('bare')],
        pods: [on('bare', a), on('n3', a)],
        incoming: makePod('p', { preferredAffinity: [[10, term(H, a)]] }),
      },
      { n1: 0, n2: 0, n3: 100, bare: 0 },
    ],
    [
      'equal raw scores normalize to 0',
      {
        nodes: nodes.slice(2),
        pods: [on('n3', a)],
        incoming: makePod('p', { preferredAffinity: [[10, term(Z, a)]] }),
      },
      { n3: 0 },
    ],
    [
      'ignorePreferredTermsOfExistingPods skips a pod without preferred terms',
      {
        nodes,
        pods: [on('n3', b, { preferredAffinity: [[50, term(Z, a)]] })],
        incoming: makePod('p', { labels: a }),
        args: { ignorePreferredTermsOfExistingPods: true },
      },
      'Skip',
    ],
    ['nothing to score', { nodes, pods: [on('n1', a)], incoming: makePod('p') }, 'Skip'],
  ])('%s', (_name, run, want) => {
    expect(scoreAll(run)).toEqual(want);
  });
});
