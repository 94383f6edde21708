/**
 * Voluntary and involuntary disruptions together, on `cairn server` with three `cairn sim`
 * processes of one node each (so one node's agent can be stopped alone):
 *
 *   1. a Deployment of 6 replicas spread over the 3 nodes with a PodDisruptionBudget of
 *      minAvailable 5: `kubectl drain` of a node evicts its pods one at a time (the second
 *      eviction is refused with 429 until a replacement is ready), and a watch on the pods sees
 *      the ready count never drop below 5;
 *   2. a ReplicaSet whose pods sit on one node: that node's sim is stopped, the node lifecycle
 *      controller marks it Unknown after the (shortened) grace period, the pods' Ready goes
 *      False, taint-based eviction deletes them after their 5 s toleration of
 *      `node.kubernetes.io/unreachable` (kubectl shows them `Unknown`), and the ReplicaSet
 *      replaces them on the other nodes.
 */
import { spawn } from 'node:child_process';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, kubectlPath, startCairn } from './harness.js';
import { stopProcess } from './support/process.js';
import { type SimProcess, startSim } from './support/sim-process.js';

let c: CairnServer;
const sims = new Map<string, SimProcess>();

beforeAll(async () => {
  c = await startCairn({ args: ['--node-monitor-grace-period', '8s'] });
  // one simulated node per process, named `<prefix>…`, so that one node's agent can be stopped alone
  for (const prefix of ['a-', 'b-', 'c-']) {
    const args = ['--node-prefix', prefix, '--pod-profile', 'fast'];
    sims.set(prefix, await startSim(c, { nodes: 1, args }));
  }
}, 120_000);

afterAll(async () => {
  for (const sim of sims.values()) await sim.stop('SIGKILL');
  await c?.stop();
});

const podsOf = async (selector: string) =>
  (await c.json<{ items: Pod[] }>(['get', 'pods', '-l', selector])).items;
const isReady = (p: Pod) =>
  p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata?.deletionTimestamp);
const nodeReady = (n: Node) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status;

/** The nodes by prefix: `a-` → its node's name. */
async function nodeNames(): Promise<Map<string, string>> {
  const names = (await c.json<{ items: Node[] }>(['get', 'nodes'])).items.map((n) => n.metadata?.name ?? '');
  return new Map(['a-', 'b-', 'c-'].map((p) => [p, names.find((n) => n.startsWith(p)) ?? '']));
}

/**
 * Follows the pods of `selector` with `kubectl get -w` and keeps the lowest number of ready,
 * non-terminating pods seen after the first full view.
 */
function watchReady(selector: string): { min(): number; stop(): Promise<void> } {
  const template =
    '{.type} {.object.metadata.name} {.object.metadata.deletionTimestamp}|' +
    '{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}';
  const child = spawn(
    kubectlPath(),
    ['get', 'pods', '-l', selector, '--watch', '--output-watch-events', '-o', `jsonpath=${template}`],
    { env: { ...process.env, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ready = new Map<string, boolean>();
  let min = Infinity;
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [head = '', status = ''] = line.split('|');
      const [type, name = '', deletion] = head.trim().split(' ');
      if (type === 'DELETED') ready.delete(name);
      else ready.set(name, !deletion && status === 'True');
      if (ready.size >= 6) min = Math.min(min, [...ready.values()].filter(Boolean).length);
    }
  });
  return { min: () => min, stop: () => stopProcess(child, 'SIGTERM') };
}

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 6
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      topologySpreadConstraints:
      - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway,
          labelSelector: { matchLabels: { app: web } } }
      containers: [{ name: c, image: nginx }]
`;

const replicaSet = `
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: lost }
spec:
  replicas: 2
  selector: { matchLabels: { app: lost } }
  template:
    metadata: { labels: { app: lost } }
    spec:
      tolerations:
      - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5 }
      containers: [{ name: c, image: busybox }]
`;

describe('disruptions across nodes', () => {
  let drained = '';

  it('drains a node one pod at a time without breaking a minAvailable 5 budget', async () => {
    const nodes = await nodeNames();
    await expect
      .poll(async () => (await c.json<{ items: Node[] }>(['get', 'nodes'])).items.map(nodeReady), {
        timeout: 30_000,
      })
      .toEqual(['True', 'True', 'True']);
    await c.k(['apply', '-f', '-'], { input: deployment });
    await c.k(['create', 'pdb', 'web', '--selector=app=web', '--min-available=5']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await expect
      .poll(
        async () => (await c.json<PodDisruptionBudget>(['get', 'pdb', 'web'])).status?.disruptionsAllowed,
        {
          timeout: 30_000,
        },
      )
      .toBe(1);
    const pods = live(await podsOf('app=web'));
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual([...nodes.values()].sort());
    drained = [...perNode].sort((x, y) => y[1] - x[1])[0]?.[0] ?? '';
    expect(perNode.get(drained)).toBeGreaterThanOrEqual(2);

    const watcher = watchReady('app=web');
    try {
      await expect.poll(() => watcher.min(), { timeout: 10_000 }).toBe(6);
      const r = await c.kubectl(['drain', drained, '--ignore-daemonsets', '--timeout=120s'], {
        timeoutMs: 150_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const said = r.stdout + r.stderr;
      expect(said).toContain(`node/${drained} cordoned`);
      // Both evictions are tried at once: the second waits for the budget.
      expect(said).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
      expect(said).toContain(`node/${drained} drained`);
      await expect
        .poll(async () => live(await podsOf('app=web')).filter(isReady).length, { timeout: 30_000 })
        .toBe(6);
    } finally {
      await watcher.stop();
    }
    expect(watcher.min()).toBeGreaterThanOrEqual(5);
    const after = live(await podsOf('app=web'));
    expect(after.filter((p) => p.spec?.nodeName === drained)).toEqual([]);
    const pdb = await c.json<PodDisruptionBudget>(['get', 'pdb', 'web']);
    expect(pdb.status?.currentHealthy).toBe(6);
  }, 240_000);

  it('marks a lost node Unknown and replaces its ReplicaSet pods elsewhere after their toleration', async () => {
    const nodes = await nodeNames();
    // Every node but one is cordoned while the ReplicaSet starts, so its pods land on that one.
    const target = [...nodes.values()].find((n) => n !== drained) ?? '';
    const others = [...nodes.values()].filter((n) => n !== target);
    for (const n of others) await c.k(['cordon', n]);
    await c.k(['apply', '-f', '-'], { input: replicaSet });
    await expect
      .poll(async () => live(await podsOf('app=lost')).filter(isReady).length, { timeout: 60_000 })
      .toBe(2);
    const original = live(await podsOf('app=lost'));
    expect(original.map((p) => p.spec?.nodeName)).toEqual([target, target]);
    for (const n of others) await c.k(['uncordon', n]);

    const prefix = [...nodes].find(([, n]) => n === target)?.[0] ?? '';
    const sim = sims.get(prefix);
    if (!sim) throw new Error(`no sim for ${target}`);
    await sim.stop('SIGKILL');

    await expect
      .poll(async () => nodeReady(await c.json<Node>(['get', 'node', target])), { timeout: 40_000 })
      .toBe('Unknown');
    const taints = (await c.json<Node>(['get', 'node', target])).spec?.taints?.map(
      (t) => `${t.key}:${t.effect}`,
    );
    expect(taints).toContain('node.kubernetes.io/unreachable:NoExecute');

    const originalNames = original.map((p) => p.metadata?.name ?? '');
    // Ready False first, then deleted by taint-based eviction: kubectl reports them Unknown.
    await expect
      .poll(
        async () => {
          const out = await c.k(['get', 'pods', '-l', 'app=lost', '--no-headers']);
          return originalNames.map((n) => new RegExp(`^${n}\\s+\\d/1\\s+Unknown\\s`, 'm').test(out));
        },
        { timeout: 40_000 },
      )
      .toEqual([true, true]);
    for (const n of originalNames) {
      const p = await c.json<Pod>(['get', 'pod', n]);
      expect(p.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
      expect(p.status?.reason).toBe('NodeLost');
    }

    await expect
      .poll(
        async () => {
          const fresh = live(await podsOf('app=lost')).filter(
            (p) => !originalNames.includes(p.metadata?.name ?? ''),
          );
          return fresh.filter(isReady).map((p) => p.spec?.nodeName ?? '');
        },
        { timeout: 60_000 },
      )
      .toHaveLength(2);
    const fresh = live(await podsOf('app=lost')).filter(
      (p) => !originalNames.includes(p.metadata?.name ?? ''),
    );
    for (const p of fresh) expect(others).toContain(p.spec?.nodeName);
    const events = await c.k(['get', 'events']);
    expect(events).toMatch(/NodeNotReady\s+node\/\S+\s+Node \S+ status is now: NodeNotReady/);
  }, 240_000);
});
