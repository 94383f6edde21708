/**
 * The scheduler through kubectl against `cairn server`: nodes are plain API objects here (no
 * agents), pods get bound to them, an oversized pod stays Pending with upstream's
 * FailedScheduling message and is scheduled once a big enough node joins. Then PodTopologySpread
 * on servers of their own: pods' own constraints (3 zones × 2 nodes), the cluster-level default
 * constraints a Service brings (checked against a server whose defaults are disabled), and a
 * profile whose only Score plugin is PodTopologySpread.
 */
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, startCairn } from './harness.js';

let c: CairnServer;
beforeAll(async () => {
  c = await startCairn();
});
afterAll(async () => {
  await c?.stop();
});

const node = (name: string, zone: string, cpu: string, memory = '8Gi') => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
    topology.kubernetes.io/zone: ${zone}
status:
  capacity: {cpu: "${cpu}", memory: ${memory}, pods: "110"}
  allocatable: {cpu: "${cpu}", memory: ${memory}, pods: "110"}
  conditions:
  - {type: Ready, status: "True", reason: KubeletReady, message: kubelet is posting ready status}
`;

const pod = (name: string, cpu: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox
    resources:
      requests: {cpu: "${cpu}", memory: 64Mi}
`;

const nodeOf = async (name: string) =>
  (await c.k(['get', 'pod', name, '-o', 'jsonpath={.spec.nodeName}'])).trim();

describe('scheduler', () => {
  it('binds pods to nodes and records Scheduled events', async () => {
    const nodes = [
      node('node-a', 'zone-a', '2'),
      node('node-b', 'zone-b', '2'),
      node('node-c', 'zone-c', '2'),
    ];
    const applied = await c.k(['apply', '-f', '-'], { input: nodes.join('---\n') });
    expect(applied).toContain('node/node-a created');
    await c.k(['apply', '-f', '-'], {
      input: [pod('web-0', '500m'), pod('web-1', '500m'), pod('web-2', '500m')].join('---\n'),
    });
    await expect
      .poll(async () => Promise.all(['web-0', 'web-1', 'web-2'].map(nodeOf)), { timeout: 20_000 })
      .toEqual([
        expect.stringMatching(/^node-[abc]$/),
        expect.stringMatching(/^node-[abc]$/),
        expect.stringMatching(/^node-[abc]$/),
      ]);
    const wide = await c.k(['get', 'pods', '-o', 'wide']);
    expect(wide).toMatch(/web-0\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+node-[abc]\s+<none>\s+<none>/);
    const host = await nodeOf('web-0');
    await expect
      .poll(async () => c.k(['describe', 'pod', 'web-0']), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/web-0 to ${host}`,
        ),
      );
  });

  it('keeps an oversized pod Pending with an upstream-shaped FailedScheduling, then schedules it on a new node', async () => {
    await c.k(['apply', '-f', '-'], { input: pod('huge', '16') });
    const message =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: ' +
      '3 Preemption is not helpful for scheduling.';
    await expect
      .poll(
        async () =>
          c.k(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")]}']),
        { timeout: 20_000 },
      )
      .toContain('"reason":"Unschedulable"');
    const condition = JSON.parse(
      await c.k(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")]}']),
    ) as { status: string; message: string };
    expect(condition).toMatchObject({ status: 'False', message });
    const events = JSON.parse(
      await c.k([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=huge,reason=FailedScheduling',
        '-o',
        'json',
      ]),
    ) as { items: { type: string; message: string; source: { component: string } }[] };
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      type: 'Warning',
      message,
      source: { component: 'default-scheduler' },
    });
    expect(await c.k(['describe', 'pod', 'huge'])).toMatch(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./,
    );
    expect((await c.k(['get', 'pod', 'huge'])).split('\n')[1]).toMatch(/huge\s+0\/1\s+Pending/);

    await c.k(['apply', '-f', '-'], { input: node('node-big', 'zone-d', '32') });
    await expect.poll(() => nodeOf('huge'), { timeout: 20_000 }).toBe('node-big');
  });

  it('holds the kube-scheduler Lease', async () => {
    const holder = await c.k([
      'get',
      'lease',
      'kube-scheduler',
      '-n',
      'kube-system',
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    expect(holder).toMatch(/_/);
  });
});

// --- PodTopologySpread --------------------------------------------------------------------------

const zoneKey = 'topology.kubernetes.io/zone';

/** 3 zones × 2 nodes: zone-a: a1 a2, zone-b: b1 b2, zone-c: c1 c2. */
const zonedNodes = (cpu = '4', bigC2 = false): string =>
  ['a', 'b', 'c']
    .flatMap((z) =>
      [1, 2].map((i) =>
        bigC2 && z === 'c' && i === 2
          ? node('c2', 'zone-c', '32', '64Gi')
          : node(`${z}${i}`, `zone-${z}`, cpu),
      ),
    )
    .join('---\n');

interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  spread?: TopologySpreadConstraint[];
  nodeSelector?: Record<string, string>;
  nodeName?: string;
  schedulerName?: string;
}

const podObject = (name: string, o: PodOptions = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels ?? {} },
  spec: {
    containers: [
      {
        name: 'c',
        image: 'busybox',
        resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '128Mi' } },
      },
    ],
    ...(o.spread ? { topologySpreadConstraints: o.spread } : {}),
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    ...(o.schedulerName ? { schedulerName: o.schedulerName } : {}),
  },
});

/** `kubectl apply` of the pods as one List. */
const applyPods = (s: CairnServer, pods: Pod[]) =>
  s.k(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }) });

/** name → nodeName ('' while Pending) of the pods the label selector picks. */
async function placements(s: CairnServer, selector: string, namespace = 'default') {
  const out = await s.k([
    'get',
    'pods',
    '-n',
    namespace,
    '-l',
    selector,
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}={.spec.nodeName}{"\\n"}{end}',
  ]);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('=') as [string, string]),
  );
}

/** Waits until all `count` pods the selector picks are bound; returns pods per node. */
async function boundPerNode(s: CairnServer, selector: string, count: number, namespace = 'default') {
  let last = new Map<string, string>();
  await expect
    .poll(
      async () => {
        last = await placements(s, selector, namespace);
        return [...last.values()].filter(Boolean).length;
      },
      { timeout: 20_000 },
    )
    .toBe(count);
  const perNode = new Map<string, number>();
  for (const n of last.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  return perNode;
}

const perZone = (perNode: Map<string, number>): Record<string, number> => {
  const zones: Record<string, number> = {};
  for (const [n, count] of perNode) zones[`zone-${n[0]}`] = (zones[`zone-${n[0]}`] ?? 0) + count;
  return zones;
};

const podScheduled = async (s: CairnServer, name: string) =>
  JSON.parse(
    (await s.k(['get', 'pod', name, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")]}'])) ||
      '{}',
  ) as { status?: string; reason?: string; message?: string };

describe('PodTopologySpread: the pod’s own constraints', () => {
  let s: CairnServer;
  beforeAll(async () => {
    s = await startCairn();
    await s.k(['apply', '-f', '-'], { input: zonedNodes() });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const spread = (nodeAffinityPolicy?: 'Honor' | 'Ignore'): TopologySpreadConstraint[] => [
    {
      maxSkew: 1,
      topologyKey: zoneKey,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'spread' } },
      ...(nodeAffinityPolicy ? { nodeAffinityPolicy } : {}),
    },
  ];
  const labels = { app: 'spread' };

  it('places 6 pods 2 per zone', async () => {
    await applyPods(
      s,
      Array.from({ length: 6 }, (_, i) => podObject(`spread-${i}`, { labels, spread: spread() })),
    );
    const perNode = await boundPerNode(s, 'app=spread', 6);
    expect(perZone(perNode)).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 2 });
  });

  it('fits a 7th pod pinned to zone-a (skew 1), and keeps the 8th Pending with upstream’s message', async () => {
    // nodeAffinityPolicy Ignore: zone-b and zone-c still count as domains though the pinned pod
    // cannot go there (with the default Honor only zone-a would count, and it always fits).
    const pinned = (name: string) =>
      podObject(name, { labels, spread: spread('Ignore'), nodeSelector: { [zoneKey]: 'zone-a' } });
    await applyPods(s, [pinned('pinned-0')]);
    expect(perZone(await boundPerNode(s, 'app=spread', 7))).toEqual({
      'zone-a': 3,
      'zone-b': 2,
      'zone-c': 2,
    });
    expect((await placements(s, 'app=spread')).get('pinned-0')).toMatch(/^a[12]$/);

    await applyPods(s, [pinned('pinned-1')]);
    await expect
      .poll(async () => (await podScheduled(s, 'pinned-1')).reason, { timeout: 20_000 })
      .toBe('Unschedulable');
    const condition = await podScheduled(s, 'pinned-1');
    expect(condition.status).toBe('False');
    // Upstream's FitError: reasons counted and sorted, then the preemption attempt's own.
    expect(condition.message).toBe(
      "0/6 nodes are available: 2 node(s) didn't match pod topology spread constraints, " +
        "4 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: " +
        '2 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.',
    );
    expect(await s.k(['describe', 'pod', 'pinned-1'])).toMatch(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/6 nodes are available: .*2 node\(s\) didn't match pod topology spread constraints/,
    );
    expect((await placements(s, 'app=spread')).get('pinned-1')).toBe('');

    // With the default nodeAffinityPolicy Honor only zone-a is a domain: the same pod fits.
    await applyPods(s, [
      podObject('honor-0', { labels, spread: spread(), nodeSelector: { [zoneKey]: 'zone-a' } }),
    ]);
    await expect
      .poll(async () => (await placements(s, 'app=spread')).get('honor-0'), { timeout: 20_000 })
      .toMatch(/^a[12]$/);
  });
});

/**
 * Default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) apply to pods a
 * Service selects. To tell them from LeastAllocated's own spreading, c2 is big (32 CPU) and the
 * five small nodes (4 CPU) carry a 1-CPU filler each: NodeResourcesFit alone stacks new pods on
 * c2, PodTopologySpread's default constraints outweigh it and spread them one per node.
 */
async function spreadScenario(s: CairnServer, namespace: string, withService: boolean) {
  await s.k(['create', 'namespace', namespace]);
  if (withService) {
    await s.k(['apply', '-n', namespace, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc-spread' },
        spec: { clusterIP: 'None', selector: { app: 'svc-spread' }, ports: [{ port: 80 }] },
      }),
    });
  }
  await applyPods(
    s,
    Array.from({ length: 6 }, (_, i) =>
      podObject(`svc-spread-${i}`, {
        namespace,
        labels: { app: 'svc-spread' },
        cpu: '100m',
        memory: '128Mi',
      }),
    ),
  );
  return [...(await boundPerNode(s, 'app=svc-spread', 6, namespace)).values()].sort((a, b) => b - a);
}

async function withSpreadNodes(s: CairnServer): Promise<void> {
  await s.k(['apply', '-f', '-'], { input: zonedNodes('4', true) });
  await applyPods(
    s,
    ['a1', 'a2', 'b1', 'b2', 'c1'].map((n) =>
      podObject(`filler-${n}`, { labels: { app: 'filler' }, cpu: '1', memory: '2Gi', nodeName: n }),
    ),
  );
}

describe('PodTopologySpread: cluster-level default constraints', () => {
  let s: CairnServer;
  let noDefaults: CairnServer;
  beforeAll(async () => {
    s = await startCairn();
    const config = join(s.dataDir, 'scheduler-no-defaults.yaml');
    await writeFile(
      config,
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints: []
- schedulerName: spread-only
  plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [{name: PodTopologySpread, weight: 1}]
`,
    );
    noDefaults = await startCairn({ args: ['--scheduler-config', config] });
    await Promise.all([withSpreadNodes(s), withSpreadNodes(noDefaults)]);
  });
  afterAll(async () => {
    await noDefaults?.stop();
    await s?.stop();
  });

  it('spreads the pods a Service selects one per node, though c2 has far more room', async () => {
    expect(await spreadScenario(s, 'with-svc', true)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('stacks the same pods on c2 without a Service (NodeResourcesFit alone)', async () => {
    expect(await spreadScenario(s, 'no-svc', false)).toEqual([6]);
  });

  it('stacks them with a Service too when the configuration disables the default constraints', async () => {
    expect(await spreadScenario(noDefaults, 'with-svc', true)).toEqual([6]);
  });

  it('schedules end to end with a profile whose only Score plugin is PodTopologySpread', async () => {
    const spread: TopologySpreadConstraint[] = [
      {
        maxSkew: 1,
        topologyKey: zoneKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { app: 'spread-only' } },
      },
    ];
    await applyPods(
      noDefaults,
      Array.from({ length: 6 }, (_, i) =>
        podObject(`spread-only-${i}`, {
          labels: { app: 'spread-only' },
          spread,
          schedulerName: 'spread-only',
        }),
      ),
    );
    // Only PodTopologySpread scores: each pod goes to a zone with the fewest, whatever c2's room.
    const perNode = await boundPerNode(noDefaults, 'app=spread-only', 6);
    expect(perZone(perNode)).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 2 });
    expect(await noDefaults.k(['describe', 'pod', 'spread-only-0'])).toMatch(
      /Normal\s+Scheduled\s+\S+\s+spread-only\s+Successfully assigned default\/spread-only-0 to [abc][12]/,
    );
  });
});
