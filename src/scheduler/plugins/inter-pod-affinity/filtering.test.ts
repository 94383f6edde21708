import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';

import {
  CycleState,
  type FilterPlugin,
  type PreFilterPlugin,
  labelHostname,
  labelZone,
} from '../../framework/interface.js';
import {
  errReasonAffinityRulesNotMatch,
  errReasonAntiAffinityRulesNotMatch,
  errReasonExistingAntiAffinityRulesNotMatch,
  interPodAffinityFactory,
} from './plugin.js';
import { bareNode, makeHandle, makeNode, makeNodeInfos, makePod, term } from './testing.js';

const affinityFail = `UnschedulableAndUnresolvable: ${errReasonAffinityRulesNotMatch}`;
const antiFail = `Unschedulable: ${errReasonAntiAffinityRulesNotMatch}`;
const existingFail = `Unschedulable: ${errReasonExistingAntiAffinityRulesNotMatch}`;

interface Run {
  nodes: Node[];
  pods: Pod[];
  incoming: Pod;
  /** Namespace name → labels, offered through the handle's lister. */
  namespaces?: Record<string, Record<string, string>>;
}

/** PreFilter then Filter on every node: node → 'ok' or `code: reason`. */
function filterAll(r: Run): Record<string, string> {
  const infos = makeNodeInfos(r.nodes, r.pods);
  const pl = interPodAffinityFactory(undefined, makeHandle(infos, r.namespaces)) as PreFilterPlugin &
    FilterPlugin;
  const state = new CycleState();
  const pre = pl.preFilter(state, r.incoming, infos);
  expect(['Success', 'Skip']).toContain(pre.status.code);
  return Object.fromEntries(
    infos.map((info) => {
      const s = pl.filter(state, r.incoming, info);
      return [info.node.metadata?.name, s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`];
    }),
  );
}

const H = labelHostname;
const Z = labelZone;
const three = [makeNode('node-1', 'V'), makeNode('node-2', 'V'), makeNode('node-3', 'W')];
const store = { app: 'store' };
const web = { app: 'web-store' };
const caches = ['node-1', 'node-2', 'node-3'].map((n, i) =>
  makePod(`cache-${i}`, { labels: store, nodeName: n }),
);
const webServer = (name: string, nodeName?: string) =>
  makePod(name, {
    labels: web,
    ...(nodeName ? { nodeName } : {}),
    antiAffinity: [term(H, web)],
    affinity: [term(H, store)],
  });

describe('InterPodAffinity Filter: documentation examples', () => {
  it.each<[string, Run, Record<string, string>]>([
    [
      'redis cache: a replica is kept off the node of another replica',
      {
        nodes: three,
        pods: caches.slice(0, 1),
        incoming: makePod('cache', { labels: store, antiAffinity: [term(H, store)] }),
      },
      { 'node-1': antiFail, 'node-2': 'ok', 'node-3': 'ok' },
    ],
    [
      'web server: co-located with a cache, never with another web server',
      { nodes: three, pods: [...caches, webServer('web-1', 'node-1')], incoming: webServer('web-2') },
      // node-1 fails the incoming pod's anti-affinity and, symmetrically, web-1's anti-affinity.
      { 'node-1': antiFail, 'node-2': 'ok', 'node-3': 'ok' },
    ],
    [
      'web server: nodes without a cache fail the required affinity',
      { nodes: three, pods: caches.slice(2), incoming: webServer('web-1') },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': 'ok' },
    ],
    [
      'zone affinity to security=S1: every node of the zone qualifies',
      {
        nodes: three,
        pods: [makePod('s1', { labels: { security: 'S1' }, nodeName: 'node-2' })],
        incoming: makePod('p', { affinity: [term(Z, { security: 'S1' })] }),
      },
      { 'node-1': 'ok', 'node-2': 'ok', 'node-3': affinityFail },
    ],
  ])('%s', (_name, run, want) => {
    expect(filterAll(run)).toEqual(want);
  });
});

describe('InterPodAffinity Filter: required terms', () => {
  const a = { app: 'a' };
  it.each<[string, Run, Record<string, string>]>([
    [
      'a node missing the topology key fails affinity',
      {
        nodes: [...three, bareNode('bare')],
        pods: [makePod('x', { labels: a, nodeName: 'node-3' })],
        incoming: makePod('p', { affinity: [term(Z, a)] }),
      },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': 'ok', bare: affinityFail },
    ],
    [
      'the first pod of a self-attracting group may go anywhere the keys exist',
      {
        nodes: [...three, bareNode('bare')],
        pods: [],
        incoming: makePod('p', { labels: a, affinity: [term(Z, a)] }),
      },
      { 'node-1': 'ok', 'node-2': 'ok', 'node-3': 'ok', bare: affinityFail },
    ],
    [
      'but not when it does not match its own term',
      { nodes: three, pods: [], incoming: makePod('p', { labels: { app: 'b' }, affinity: [term(Z, a)] }) },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': affinityFail },
    ],
    [
      'nor once a matching pod exists somewhere',
      {
        nodes: three,
        pods: [makePod('x', { labels: a, nodeName: 'node-3' })],
        incoming: makePod('p', { labels: a, affinity: [term(Z, a)] }),
      },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': 'ok' },
    ],
    [
      'several affinity terms need one pod matching all of them',
      {
        nodes: three,
        pods: [
          makePod('x', { labels: a, nodeName: 'node-1' }),
          makePod('y', { labels: { tier: 'db' }, nodeName: 'node-1' }),
          makePod('z', { labels: { ...a, tier: 'db' }, nodeName: 'node-3' }),
        ],
        incoming: makePod('p', { affinity: [term(Z, a), term(H, { tier: 'db' })] }),
      },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': 'ok' },
    ],
    [
      'anti-affinity on zone repels from every node of the zone',
      {
        nodes: three,
        pods: [makePod('x', { labels: a, nodeName: 'node-1' })],
        incoming: makePod('p', { antiAffinity: [term(Z, a)] }),
      },
      { 'node-1': antiFail, 'node-2': antiFail, 'node-3': 'ok' },
    ],
    [
      'an existing pod’s anti-affinity repels a matching incoming pod',
      {
        nodes: three,
        pods: [makePod('x', { nodeName: 'node-1', antiAffinity: [term(Z, a)] })],
        incoming: makePod('p', { labels: a }),
      },
      { 'node-1': existingFail, 'node-2': existingFail, 'node-3': 'ok' },
    ],
    [
      'a null labelSelector matches no pod',
      {
        nodes: three,
        pods: [makePod('x', { labels: a, nodeName: 'node-1' })],
        incoming: makePod('p', { antiAffinity: [term(Z, null)] }),
      },
      { 'node-1': 'ok', 'node-2': 'ok', 'node-3': 'ok' },
    ],
  ])('%s', (_name, run, want) => {
    expect(filterAll(run)).toEqual(want);
  });
});

describe('InterPodAffinity Filter: namespaces and label keys', () => {
  const db = { app: 'db' };
  const dbInOther = [makePod('x', { labels: db, nodeName: 'node-1', namespace: 'other' })];
  const repel = (extra: Parameters<typeof term>[2]) => makePod('p', { antiAffinity: [term(H, db, extra)] });
  const teams = { other: { team: 'a' }, default: { team: 'b' } };
  it.each<[string, Run, string]>([
    [
      'no namespaces and no namespaceSelector: the pod’s own namespace',
      { nodes: three, pods: dbInOther, incoming: repel({}) },
      'ok',
    ],
    [
      'listed namespaces',
      { nodes: three, pods: dbInOther, incoming: repel({ namespaces: ['other'] }) },
      antiFail,
    ],
    [
      'an empty namespaceSelector: every namespace',
      { nodes: three, pods: dbInOther, incoming: repel({ namespaceSelector: {} }) },
      antiFail,
    ],
    [
      'a namespaceSelector, through the namespaces’ labels',
      {
        nodes: three,
        pods: dbInOther,
        incoming: repel({ namespaceSelector: { matchLabels: { team: 'a' } } }),
        namespaces: teams,
      },
      antiFail,
    ],
    [
      'a namespaceSelector not matching the namespace',
      {
        nodes: three,
        pods: dbInOther,
        incoming: repel({ namespaceSelector: { matchLabels: { team: 'b' } } }),
        namespaces: teams,
      },
      'ok',
    ],
    [
      'an existing pod’s namespaceSelector against the incoming pod’s namespace labels',
      {
        nodes: three,
        pods: [
          makePod('x', {
            nodeName: 'node-1',
            namespace: 'other',
            antiAffinity: [term(H, db, { namespaceSelector: { matchLabels: { team: 'b' } } })],
          }),
        ],
        incoming: makePod('p', { labels: db }),
        namespaces: teams,
      },
      existingFail,
    ],
  ])('%s', (_name, run, want) => {
    expect(filterAll(run)['node-1']).toBe(want);
  });

  it.each<[string, Run, Record<string, string>]>([
    [
      'matchLabelKeys: only pods of the same tenant attract',
      {
        nodes: three,
        pods: [
          makePod('t1', { labels: { app: 'x', tenant: 't1' }, nodeName: 'node-1' }),
          makePod('t2', { labels: { app: 'x', tenant: 't2' }, nodeName: 'node-3' }),
        ],
        incoming: makePod('p', {
          labels: { tenant: 't2' },
          affinity: [term(Z, { app: 'x' }, { matchLabelKeys: ['tenant'] })],
        }),
      },
      { 'node-1': affinityFail, 'node-2': affinityFail, 'node-3': 'ok' },
    ],
    [
      'mismatchLabelKeys: pods of other tenants repel',
      {
        nodes: three,
        pods: [
          makePod('t1', { labels: { app: 'x', tenant: 't1' }, nodeName: 'node-1' }),
          makePod('t2', { labels: { app: 'x', tenant: 't2' }, nodeName: 'node-3' }),
        ],
        incoming: makePod('p', {
          labels: { tenant: 't2' },
          antiAffinity: [term(Z, { app: 'x' }, { mismatchLabelKeys: ['tenant'] })],
        }),
      },
      { 'node-1': antiFail, 'node-2': antiFail, 'node-3': 'ok' },
    ],
  ])('%s', (_name, run, want) => {
    expect(filterAll(run)).toEqual(want);
  });
});

describe('InterPodAffinity PreFilter', () => {
  const infos = makeNodeInfos(three, caches);
  const pl = interPodAffinityFactory(undefined, makeHandle(infos)) as PreFilterPlugin & FilterPlugin;

  it('skips when neither the pod nor existing pods have terms that concern it', () => {
    const state = new CycleState();
    expect(pl.preFilter(state, makePod('p', { labels: store }), infos).status.code).toBe('Skip');
    expect(pl.filter(state, makePod('p'), infos[0]!).code).toBe('Success');
  });

  it('refuses a pod whose terms do not parse as UnschedulableAndUnresolvable', () => {
    const bad = makePod('p', {
      affinity: [{ topologyKey: Z, labelSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } }],
    });
    const { status } = pl.preFilter(new CycleState(), bad, infos);
    expect(status.code).toBe('UnschedulableAndUnresolvable');
    expect(status.reasons[0]).toMatch(/^parsing pod: .*Near/);
  });

  it('answers Error from Filter when PreFilter did not run', () => {
    expect(pl.filter(new CycleState(), makePod('p'), infos[0]!).code).toBe('Error');
  });
});
