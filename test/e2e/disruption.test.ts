/**
 * Disruptions through kubectl against `cairn server`, with nodes as plain API objects and pods
 * made Ready by writing their status (no agents): default tolerations from admission, `kubectl
 * drain` evicting through `pods/eviction` and blocked by a budget whose status says no; the
 * disruption controller computing PDB status; a node whose Lease stops renewing going Unknown
 * (the server runs with a short --node-monitor-grace-period).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, startCairn } from './harness.js';

let c: CairnServer;
beforeAll(async () => {
  c = await startCairn({ args: ['--node-monitor-grace-period', '8s'] });
});
afterAll(async () => {
  await c?.stop();
});

const node = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {kubernetes.io/hostname: ${name}}
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
`;

const pod = (name: string, nodeName: string, app: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${app}}
spec:
  nodeName: ${nodeName}
  containers: [{name: c, image: busybox}]
`;

const micro = () => new Date().toISOString().replace('Z', '000Z');

async function renewLease(name: string): Promise<void> {
  await c.k(['apply', '-f', '-'], {
    input: `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: ${name}, namespace: kube-node-lease}
spec: {holderIdentity: ${name}, leaseDurationSeconds: 40, renewTime: "${micro()}"}
`,
  });
}

async function nodeReady(name: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
  };
  await c.k([
    'patch',
    'node',
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
}

async function podReady(name: string): Promise<void> {
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  await c.k(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

async function pdbStatus(
  name: string,
  allowed: number,
  healthy: number,
  desired: number,
  observedGeneration = 1,
): Promise<void> {
  const status = {
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: healthy,
    observedGeneration,
  };
  await c.k(['patch', 'pdb', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

const pdb = (name: string, app: string, minAvailable: number | string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}}
spec:
  minAvailable: ${JSON.stringify(minAvailable)}
  selector: {matchLabels: {app: ${app}}}
`;

const podNames = async (app: string) =>
  (await c.k(['get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}']))
    .split(' ')
    .filter(Boolean);

describe('disruption through kubectl', () => {
  it('adds the 300 s not-ready/unreachable tolerations to new pods', async () => {
    await c.k(['apply', '-f', '-'], { input: node('tol-node') });
    await c.k(['apply', '-f', '-'], { input: pod('tol', 'tol-node', 'tol') });
    const tolerations = JSON.parse(
      await c.k(['get', 'pod', 'tol', '-o', 'jsonpath={.spec.tolerations}']),
    ) as unknown;
    expect(tolerations).toStrictEqual([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
  });

  it('kubectl drain evicts, and waits while the budget allows no disruption', async () => {
    // kubectl evicts only when /api/v1 lists pods/eviction with its group and version;
    // without them it silently deletes instead.
    const v1 = JSON.parse(await c.k(['get', '--raw', '/api/v1'])) as {
      resources: { name: string; group?: string; version?: string }[];
    };
    expect(v1.resources.find((r) => r.name === 'pods/eviction')).toMatchObject({
      group: 'policy',
      version: 'v1',
    });
    await c.k(['apply', '-f', '-'], { input: node('d1') });
    for (const p of ['d-a', 'd-b']) {
      await c.k(['apply', '-f', '-'], { input: pod(p, 'd1', 'drain') });
      await podReady(p);
    }
    await c.k(['apply', '-f', '-'], { input: pdb('drain-pdb', 'drain', 2) });
    await pdbStatus('drain-pdb', 0, 2, 2);
    const blocked = await c.kubectl(
      ['drain', 'd1', '--ignore-daemonsets', '--force', '--grace-period=0', '--timeout=8s'],
      { timeoutMs: 30_000 },
    );
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(await podNames('drain')).toHaveLength(2);
    expect(await c.k(['get', 'node', 'd1', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('true');

    // Let both go: minAvailable 0 (the status below is what the controller would compute).
    await c.k(['patch', 'pdb', 'drain-pdb', '--type=merge', '-p', '{"spec":{"minAvailable":0}}']);
    await pdbStatus('drain-pdb', 2, 2, 0, 2);
    const drained = await c.kubectl(
      ['drain', 'd1', '--ignore-daemonsets', '--force', '--grace-period=0', '--timeout=30s'],
      { timeoutMs: 60_000 },
    );
    expect(drained.stderr + drained.stdout).toContain('drained');
    expect(await podNames('drain')).toStrictEqual([]);
    // Through pods/eviction (kubectl says `evicted`, not `deleted`).
    expect(drained.stdout).toContain('pod/d-a evicted');
    expect(drained.stdout).toContain('pod/d-b evicted');
  });
});

describe('disruption controllers in the server', () => {
  it('computes PDB status: ALLOWED DISRUPTIONS follows readiness, and drain goes one pod at a time', async () => {
    await c.k(['apply', '-f', '-'], { input: node('c1') });
    for (const p of ['c-a', 'c-b', 'c-c']) {
      await c.k(['apply', '-f', '-'], { input: pod(p, 'c1', 'ctl') });
      await podReady(p);
    }
    await c.k(['apply', '-f', '-'], { input: pdb('ctl-pdb', 'ctl', 2) });
    await expect
      .poll(async () => c.k(['get', 'pdb', 'ctl-pdb', '--no-headers']), { timeout: 15_000 })
      .toMatch(/^ctl-pdb\s+2\s+N\/A\s+1\s/);
    const drain = await c.kubectl(
      ['drain', 'c1', '--ignore-daemonsets', '--force', '--grace-period=0', '--timeout=10s'],
      { timeoutMs: 30_000 },
    );
    expect(drain.code).not.toBe(0); // one pod goes, then the budget blocks the rest
    expect(await podNames('ctl')).toHaveLength(2);
    await expect
      .poll(async () => c.k(['get', 'pdb', 'ctl-pdb', '-o', 'jsonpath={.status.disruptionsAllowed}']), {
        timeout: 15_000,
      })
      .toBe('0');
  });

  it('a node whose lease stops renewing goes Unknown, is tainted, and its pods turn not Ready', async () => {
    await c.k(['apply', '-f', '-'], { input: node('lost') });
    await renewLease('lost');
    await nodeReady('lost');
    await c.k(['apply', '-f', '-'], { input: pod('lost-p', 'lost', 'lost') });
    await podReady('lost-p');
    // No more renewals: after the grace period (8 s here, 40 s by default) the node goes Unknown.
    await expect
      .poll(
        async () =>
          c.k(['get', 'node', 'lost', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']),
        {
          timeout: 90_000,
          interval: 2000,
        },
      )
      .toBe('Unknown');
    const taints = await c.k(['get', 'node', 'lost', '-o', 'jsonpath={.spec.taints[*].key}']);
    expect(taints).toContain('node.kubernetes.io/unreachable');
    await expect
      .poll(
        async () =>
          c.k(['get', 'pod', 'lost-p', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']),
        { timeout: 15_000 },
      )
      .toBe('False');
    // Back: a renewed lease and a Ready heartbeat lift the taints.
    await renewLease('lost');
    await nodeReady('lost');
    await expect
      .poll(async () => c.k(['get', 'node', 'lost', '-o', 'jsonpath={.spec.taints}']), { timeout: 20_000 })
      .toBe('');
  }, 150_000);
});
