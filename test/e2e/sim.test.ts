/**
 * `cairn sim` against `cairn server`: 50 simulated nodes in 3 zones register Ready, a Deployment
 * of 20 replicas becomes Ready on them, spread over the zones by the scheduler's default
 * constraints, and once the sim process is killed (SIGKILL: no goodbye) the node lifecycle
 * controller marks its nodes Unknown after the (shortened) grace period.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, startCairn } from './harness.js';
import { type SimProcess, startSim } from './support/sim-process.js';
import { waiter } from './support/wait.js';

let c: CairnServer;
let sim: SimProcess | undefined;

beforeAll(async () => {
  c = await startCairn({ args: ['--node-monitor-grace-period', '5s'] });
  sim = await startSim(c, { nodes: 50, args: ['--zones', '3'] });
}, 90_000);

afterAll(async () => {
  await sim?.stop('SIGKILL');
  await c?.stop();
});

const readyOf = (n: Node) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status;

const nodes = async (): Promise<Node[]> => (await c.json<{ items: Node[] }>(['get', 'nodes'])).items;

const eventually = waiter({ ignoreErrors: true, intervalMs: 500 });

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 20
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: localhost/busybox:latest
        command: [sleep, infinity]
        readinessProbe:
          exec: {command: ['true']}
          initialDelaySeconds: 1
`;

describe('cairn sim', () => {
  it('registers 50 Ready nodes in 3 zones', async () => {
    const all = await nodes();
    expect(all).toHaveLength(50);
    expect(all.every((n) => readyOf(n) === 'True')).toBe(true);
    const zones = new Set(all.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone']));
    expect([...zones].sort()).toEqual(['zone-0', 'zone-1', 'zone-2']);
    const table = await c.k(['get', 'nodes']);
    expect(table.match(/^sim-\d+\s+Ready\s/gm)).toHaveLength(50);
  });

  it('runs a Deployment of 20 replicas to Ready, spread over the zones', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment });
    await eventually('20 ready replicas', async () => {
      const d = await c.json<{ status?: { readyReplicas?: number } }>(['get', 'deployment', 'web']);
      return d.status?.readyReplicas === 20 ? true : undefined;
    });
    const pods = (await c.json<{ items: Pod[] }>(['get', 'pods', '-l', 'app=web'])).items;
    expect(pods).toHaveLength(20);
    expect(pods.every((p) => p.status?.phase === 'Running')).toBe(true);
    const ips = pods.map((p) => p.status?.podIP);
    expect(new Set(ips).size).toBe(20);
    const zoneOf = new Map(
      (await nodes()).map((n) => [n.metadata?.name, n.metadata?.labels?.['topology.kubernetes.io/zone']]),
    );
    const perZone = new Map<string, number>();
    for (const p of pods) {
      const z = zoneOf.get(p.spec?.nodeName) ?? '?';
      perZone.set(z, (perZone.get(z) ?? 0) + 1);
    }
    expect([...perZone.keys()].sort()).toEqual(['zone-0', 'zone-1', 'zone-2']);
    // The default constraints are ScheduleAnyway (a scoring preference, maxSkew 5 per zone): every
    // zone gets pods, and no zone more than 12 of the 20.
    const counts = [...perZone.values()];
    expect(Math.max(...counts), JSON.stringify(Object.fromEntries(perZone))).toBeLessThanOrEqual(12);
  }, 120_000);

  it('marks the nodes Unknown once the sim process is killed', async () => {
    await sim?.stop('SIGKILL');
    const all = await eventually('50 nodes Unknown', async () => {
      const list = await nodes();
      return list.every((n) => readyOf(n) === 'Unknown') ? list : undefined;
    });
    expect(all).toHaveLength(50);
    const reason = all[0]?.status?.conditions?.find((x) => x.type === 'Ready')?.reason;
    expect(reason).toBe('NodeStatusUnknown');
    const table = await c.k(['get', 'nodes']);
    expect(table.match(/^sim-\d+\s+NotReady\s/gm)).toHaveLength(50);
  }, 90_000);
});
