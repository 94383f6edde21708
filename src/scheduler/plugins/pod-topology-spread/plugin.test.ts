import { describe, expect, it } from 'vitest';

import { type ClusterLister, isFilter, isPreFilter, isPreScore, isScore } from '../../framework/interface.js';
import { resolveDefaultConstraints } from './args.js';
import { defaultSelector } from './default-selector.js';
import { podTopologySpreadFactory, systemDefaultConstraints } from './plugin.js';
import { emptyLister, makeHandle, makePod } from './testing.js';

const zone = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' };

describe('podTopologySpreadFactory', () => {
  it('builds the PodTopologySpread plugin with every extension point', () => {
    const pl = podTopologySpreadFactory(undefined, makeHandle([]));
    expect(pl.name).toBe('PodTopologySpread');
    expect([isPreFilter(pl), isFilter(pl), isPreScore(pl), isScore(pl)]).toEqual([true, true, true, true]);
  });

  it.each<[string, unknown, string]>([
    [
      'System with constraints',
      { defaultingType: 'System', defaultConstraints: [zone] },
      'defaultingType: Invalid',
    ],
    [
      'constraints without a defaultingType (System by default)',
      { defaultConstraints: [zone] },
      'defaultingType',
    ],
    ['an unknown defaultingType', { defaultingType: 'Auto' }, 'defaultingType: Unsupported value: "Auto"'],
    [
      'a labelSelector',
      {
        defaultingType: 'List',
        defaultConstraints: [{ ...zone, labelSelector: { matchLabels: { a: 'b' } } }],
      },
      'defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector',
    ],
    [
      'maxSkew 0',
      { defaultingType: 'List', defaultConstraints: [{ ...zone, maxSkew: 0 }] },
      'defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)',
    ],
    [
      'an empty topologyKey',
      { defaultingType: 'List', defaultConstraints: [{ ...zone, topologyKey: '' }] },
      'defaultConstraints[0].topologyKey: Required value',
    ],
    [
      'an invalid topologyKey',
      { defaultingType: 'List', defaultConstraints: [{ ...zone, topologyKey: 'a b' }] },
      'defaultConstraints[0].topologyKey: Invalid value',
    ],
    [
      'an unknown whenUnsatisfiable',
      { defaultingType: 'List', defaultConstraints: [{ ...zone, whenUnsatisfiable: 'Sometimes' }] },
      'defaultConstraints[0].whenUnsatisfiable: Unsupported value',
    ],
    [
      'a repeated {topologyKey, whenUnsatisfiable}',
      { defaultingType: 'List', defaultConstraints: [zone, { ...zone, maxSkew: 2 }] },
      'defaultConstraints[1]: Duplicate value',
    ],
    ['args that are not an object', 'zone', 'want args to be an object'],
  ])('refuses %s', (_name, args, message) => {
    expect(() => podTopologySpreadFactory(args, makeHandle([]))).toThrow(message);
  });
});

describe('resolveDefaultConstraints', () => {
  it.each<[string, unknown, ReturnType<typeof resolveDefaultConstraints>]>([
    [
      'no args: the system defaults',
      undefined,
      { constraints: systemDefaultConstraints, systemDefaulted: true },
    ],
    [
      'System',
      { defaultingType: 'System' },
      { constraints: systemDefaultConstraints, systemDefaulted: true },
    ],
    [
      'List with an empty list: none',
      { defaultingType: 'List', defaultConstraints: [] },
      { constraints: [], systemDefaulted: false },
    ],
    [
      'List',
      { defaultingType: 'List', defaultConstraints: [zone] },
      { constraints: [zone], systemDefaulted: false },
    ],
  ])('%s', (_name, args, want) => {
    expect(resolveDefaultConstraints(args)).toEqual(want);
  });

  it('has the documented built-in constraints', () => {
    expect(systemDefaultConstraints).toEqual([
      { maxSkew: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
      { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
    ]);
  });
});

describe('defaultSelector', () => {
  const lister = (over: Partial<ClusterLister>): ClusterLister => ({ ...emptyLister, ...over });
  const all: ReturnType<ClusterLister['services']> = [
    { metadata: { name: 'web' }, spec: { selector: { app: 'web' } } },
    { metadata: { name: 'tier' }, spec: { selector: { tier: 'fe' } } },
    { metadata: { name: 'other' }, spec: { selector: { app: 'db' } } },
    { metadata: { name: 'headless' }, spec: {} },
  ];
  const services: ClusterLister['services'] = () => all;
  const labels = { app: 'web', tier: 'fe', 'pod-template-hash': 'x' };
  const owned = (kind: string, apiVersion = 'apps/v1') =>
    makePod('p', { labels, owner: { apiVersion, kind, name: 'owner' } });
  const controller =
    (selector: ReturnType<ClusterLister['controllerSelector']>): ClusterLister['controllerSelector'] =>
    (_ns, _kind, name) =>
      name === 'owner' ? selector : undefined;

  it.each<[string, ReturnType<typeof makePod>, ClusterLister, string]>([
    ['nothing selects the pod', makePod('p', { labels }), emptyLister, ''],
    [
      'the selectors of every matching Service, merged',
      makePod('p', { labels }),
      lister({ services }),
      'app=web,tier=fe',
    ],
    [
      'a ReplicaSet’s selector is added',
      owned('ReplicaSet'),
      lister({
        controllerSelector: controller({
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'pod-template-hash', operator: 'In', values: ['x'] }],
        }),
      }),
      'app=web,pod-template-hash in (x)',
    ],
    [
      'a StatefulSet’s selector is added to the Services’',
      owned('StatefulSet'),
      lister({ services, controllerSelector: controller({ matchLabels: { sts: 'db' } }) }),
      'app=web,sts=db,tier=fe',
    ],
    [
      'a ReplicationController’s map selector is merged',
      owned('ReplicationController', 'v1'),
      lister({ controllerSelector: controller({ rc: 'r' }) }),
      'rc=r',
    ],
    [
      'other owner kinds are ignored',
      owned('Job', 'batch/v1'),
      lister({ controllerSelector: controller({ rc: 'r' }) }),
      '',
    ],
    ['a missing controller adds nothing', owned('ReplicaSet'), lister({ services }), 'app=web,tier=fe'],
  ])('%s', (_name, pod, l, want) => {
    expect(defaultSelector(pod, l).toString()).toBe(want);
  });
});
