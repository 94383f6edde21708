import { describe, expect, it } from 'vitest';
import { builtinNoopPlugins, defaultMultiPoint } from './default-plugins.js';
import { parseConfiguration } from './load.js';

const known = new Set([
  'PrioritySort',
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'PodTopologySpread',
  'InterPodAffinity',
  'DefaultPreemption',
  'NodeResourcesBalancedAllocation',
  'ImageLocality',
  'DefaultBinder',
]);
const head = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';
const parse = (body: string) => parseConfiguration(head + body, known);

describe('KubeSchedulerConfiguration', () => {
  it("defaults to upstream's default-scheduler profile, plugin set and weights", () => {
    const cfg = parse('');
    expect(cfg.podInitialBackoffSeconds).toBe(1);
    expect(cfg.podMaxBackoffSeconds).toBe(10);
    expect(cfg.percentageOfNodesToScore).toBe(0);
    expect(cfg.leaderElection).toEqual({
      leaderElect: true,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      resourceNamespace: 'kube-system',
      resourceName: 'kube-scheduler',
    });
    expect(cfg.profiles).toHaveLength(1);
    const [profile] = cfg.profiles;
    expect(profile?.schedulerName).toBe('default-scheduler');
    const weights = Object.fromEntries(
      (profile?.plugins.multiPoint?.enabled ?? []).filter((p) => p.weight).map((p) => [p.name, p.weight]),
    );
    expect(weights).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesFit: 1,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
    expect(profile?.plugins.multiPoint?.enabled?.map((p) => p.name)).toEqual(
      defaultMultiPoint.map((p) => p.name),
    );
  });

  it('merges a profile into the defaults: re-enabled plugins in place, disabled ones dropped', () => {
    const cfg = parse(`profiles:
- schedulerName: custom
  plugins:
    multiPoint:
      enabled: [{name: NodeAffinity, weight: 5}, {name: ImageLocality, weight: 7}]
      disabled: [{name: InterPodAffinity}]
  pluginConfig:
  - name: PodTopologySpread
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: PodTopologySpreadArgs
      defaultingType: List
`);
    const [p] = cfg.profiles;
    const enabled = p?.plugins.multiPoint?.enabled ?? [];
    expect(enabled.find((x) => x.name === 'NodeAffinity')).toEqual({ name: 'NodeAffinity', weight: 5 });
    expect(enabled.map((x) => x.name)).not.toContain('InterPodAffinity');
    expect(enabled.filter((x) => x.name === 'ImageLocality')).toEqual([{ name: 'ImageLocality', weight: 7 }]);
    expect(p?.plugins.multiPoint?.disabled).toEqual([{ name: 'InterPodAffinity' }]);
    expect(p?.pluginConfig).toEqual([{ name: 'PodTopologySpread', args: { defaultingType: 'List' } }]);
  });

  it("expresses a profile whose only Score plugin is PodTopologySpread ('*' disables the defaults)", () => {
    const cfg = parse(`profiles:
- plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [{name: PodTopologySpread, weight: 2}]
`);
    expect(cfg.profiles[0]?.plugins.score).toEqual({
      enabled: [{ name: 'PodTopologySpread', weight: 2 }],
      disabled: [{ name: '*' }],
    });
  });

  it('reads leader election durations', () => {
    const cfg = parse('leaderElection:\n  leaseDuration: 30s\n  renewDeadline: 20s\n  retryPeriod: 1s\n');
    expect(cfg.leaderElection).toMatchObject({
      leaseDurationSeconds: 30,
      renewDeadlineSeconds: 20,
      retryPeriodSeconds: 1,
    });
  });

  it.each([
    [
      'profiles:\n- schedulerName: a\n- schedulerName: a\n',
      'profiles[1].schedulerName: Duplicate value: "a"',
    ],
    [
      'profiles:\n- plugins:\n    filter:\n      enabled: [{name: Nope}]\n',
      'profiles[0].plugins.filter.enabled[0].name: Invalid value: "Nope": no plugin of this name is registered',
    ],
    ['podInitialBackoffSeconds: 0\n', 'podInitialBackoffSeconds: Invalid value: 0: must be greater than 0'],
    [
      'podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n',
      'podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds',
    ],
    [
      'percentageOfNodesToScore: 101\n',
      'percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]',
    ],
    [
      'profiles:\n- pluginConfig:\n  - name: NodeAffinity\n  - name: NodeAffinity\n',
      'profiles[0].pluginConfig[1]: Duplicate value: "NodeAffinity"',
    ],
    ['profiles:\n- schedulerNam: x\n', 'profiles[0].schedulerNam: unknown field "schedulerNam"'],
  ])('rejects %j', (body, message) => {
    expect(() => parse(body)).toThrow(message);
  });

  it('refuses other kinds and versions', () => {
    expect(() => parseConfiguration('apiVersion: v1\nkind: ConfigMap\n', known)).toThrow(
      /expected apiVersion kubescheduler.config.k8s.io\/v1 and kind KubeSchedulerConfiguration/,
    );
  });

  it('accepts the upstream plugins Cairn has nothing to run for', () => {
    expect(builtinNoopPlugins.has('VolumeBinding')).toBe(true);
    expect(() =>
      parse('profiles:\n- plugins:\n    multiPoint:\n      disabled: [{name: VolumeBinding}]\n'),
    ).not.toThrow();
  });
});
