/**
 * `cairn up` as a user sees it, with the real kubectl: the node registers Ready with upstream's
 * columns, its Lease in kube-node-lease is renewed, and pods bound to it run on containerd —
 * a pod that exits reaches Succeeded (Completed), a long-running one gets a pod IP in the node's
 * CIDR, and `kubectl delete pod` really removes its sandbox and containers. Teardown stops the
 * process, containerd and its shims by pid, and removes the bridge and the data dir.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRuntime } from '../../src/kubelet/cri/remote-runtime.js';
import { type CairnUp, processesMentioning, repoRoot, startCairnUp } from './harness.js';

const isRoot = process.getuid?.() === 0;
// this run's own bridge and subnet: a `cairn up` on this machine (cairn0, 10.244.0.0/24) is left alone
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-up-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.246.${octet}.0/24`;
/** The pod lifecycle is written beside the bring-up; its cases run once it is built in. */
const hasPodLifecycle = existsSync(join(repoRoot, 'dist/src/kubelet/pod-workers/index.js'));

let up: CairnUp;
let dataDir = '';

beforeAll(async () => {
  if (!isRoot) return;
  up = await startCairnUp({ nodeName: 'e2e-node', podCIDR, bridge });
  dataDir = up.dataDir;
}, 180_000);

afterAll(async () => {
  if (!isRoot || !up) return;
  await up.stop();
  expect(await processesMentioning(dataDir)).toEqual([]);
  expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
  expect(existsSync(dataDir)).toBe(false);
}, 60_000);

const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await up.k([...args, '-o', 'json'])) as T;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe.skipIf(!isRoot)('cairn up: the node', () => {
  it('kubectl get nodes shows the node Ready with upstream columns', async () => {
    expect(await up.k(['wait', '--for=condition=Ready', 'node/e2e-node', '--timeout=30s'])).toMatch(
      /node\/e2e-node condition met/,
    );
    const out = await up.k(['get', 'nodes']);
    const [header, row] = out.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(row?.split(/\s+/)).toEqual([
      'e2e-node',
      'Ready',
      '<none>',
      expect.stringMatching(/^\d+s$/),
      'v1.32.0-cairn',
    ]);
    const wide = await up.k(['get', 'node', 'e2e-node', '-o', 'wide']);
    expect(wide.split('\n')[0]?.split(/\s{2,}/)).toEqual([
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    expect(wide).toMatch(/containerd:\/\/\S+/);
  });

  it('reports capacity, allocatable, pod CIDR, nodeInfo and conditions', async () => {
    const node = await getJson<Node>(['get', 'node', 'e2e-node']);
    expect(node.spec).toMatchObject({ podCIDR, podCIDRs: [podCIDR] });
    expect(node.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': expect.any(String),
      'kubernetes.io/os': 'linux',
    });
    expect(Object.keys(node.status?.capacity ?? {}).sort()).toEqual([
      'cpu',
      'ephemeral-storage',
      'memory',
      'pods',
    ]);
    expect(node.status?.capacity?.pods).toBe('110');
    expect(node.status?.allocatable?.cpu).toBe(node.status?.capacity?.cpu);
    expect(node.status?.nodeInfo).toMatchObject({
      operatingSystem: 'linux',
      kubeletVersion: 'v1.32.0-cairn',
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\//),
      bootID: expect.stringMatching(/\S/),
    });
    expect(node.status?.addresses?.map((a) => a.type)).toContain('Hostname');
    const conditions = Object.fromEntries((node.status?.conditions ?? []).map((c) => [c.type, c.reason]));
    expect(conditions).toEqual({
      MemoryPressure: 'KubeletHasSufficientMemory',
      DiskPressure: 'KubeletHasNoDiskPressure',
      PIDPressure: 'KubeletHasSufficientPID',
      Ready: 'KubeletReady',
    });
    const images = (node.status?.images ?? []).flatMap((i) => i.names ?? []);
    expect(images).toEqual(expect.arrayContaining(['localhost/pause:latest', 'localhost/busybox:latest']));
  });

  it('kubectl get lease -n kube-node-lease shows its lease renewing every 10 s', async () => {
    const out = await up.k(['get', 'lease', '-n', 'kube-node-lease']);
    expect(out).toMatch(/^NAME\s+HOLDER\s+AGE/);
    expect(out).toMatch(/\ne2e-node\s+e2e-node\s+\d+s/);
    const first = await getJson<Lease>(['get', 'lease', '-n', 'kube-node-lease', 'e2e-node']);
    expect(first.spec?.leaseDurationSeconds).toBe(40);
    expect(first.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'e2e-node' });
    const renewed = await waitFor(
      'the lease to be renewed',
      async () => {
        const l = await getJson<Lease>(['get', 'lease', '-n', 'kube-node-lease', 'e2e-node']);
        return l.spec?.renewTime !== first.spec?.renewTime ? l : undefined;
      },
      15_000,
    );
    const gap = Date.parse(renewed.spec?.renewTime ?? '') - Date.parse(first.spec?.renewTime ?? '');
    expect(gap).toBeGreaterThanOrEqual(9_000);
    expect(gap).toBeLessThan(12_000);
  }, 30_000);
});

describe.skipIf(!isRoot || !hasPodLifecycle)('cairn up: pods on containerd', () => {
  const phase = async (name: string) => (await getJson<Pod>(['get', 'pod', name])).status?.phase;

  it('kubectl run --restart=Never of a command that exits 0 reaches Succeeded / Completed', async () => {
    await up.k([
      'run',
      'once',
      '--image=localhost/busybox:latest',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'echo hi',
    ]);
    await waitFor('pod once to succeed', async () =>
      (await phase('once')) === 'Succeeded' ? true : undefined,
    );
    expect(await up.k(['get', 'pod', 'once'])).toMatch(/\nonce\s+0\/1\s+Completed\s+0\s+/);
    await up.k(['delete', 'pod', 'once', '--wait=true']);
  }, 90_000);

  it('a sleeping pod runs with an IP in the pod CIDR; kubectl delete removes its containers', async () => {
    await up.k([
      'run',
      'sleeper',
      '--image=localhost/busybox:latest',
      '--restart=Never',
      '--',
      'sleep',
      '3600',
    ]);
    const pod = await waitFor('pod sleeper to run', async () => {
      const p = await getJson<Pod>(['get', 'pod', 'sleeper']);
      return p.status?.phase === 'Running' ? p : undefined;
    });
    expect(pod.spec?.nodeName).toBe('e2e-node');
    expect(pod.status?.podIP).toMatch(new RegExp(`^10\\.246\\.${octet}\\.\\d+$`));
    expect(await up.k(['get', 'pod', 'sleeper'])).toMatch(/\nsleeper\s+1\/1\s+Running\s+0\s+/);

    const runtime = new RemoteRuntime({ socket: join(dataDir, 'containerd', 'containerd.sock') });
    try {
      const uid = pod.metadata?.uid ?? '';
      const sandboxesOfPod = async () =>
        (await runtime.listPodSandbox()).filter((s) => s.metadata?.uid === uid);
      const sandboxIds = (await sandboxesOfPod()).map((s) => s.id);
      expect(sandboxIds.length).toBeGreaterThan(0);
      const running = (await runtime.listContainers()).filter((c) => sandboxIds.includes(c.pod_sandbox_id));
      expect(running.map((c) => c.state)).toContain('CONTAINER_RUNNING');

      await up.k(['delete', 'pod', 'sleeper', '--grace-period=1', '--wait=true']);
      expect((await up.kubectl(['get', 'pod', 'sleeper'])).stderr).toMatch(/NotFound/);
      await waitFor('the sandbox and containers to go', async () => {
        const left = (await runtime.listContainers()).filter((c) => sandboxIds.includes(c.pod_sandbox_id));
        return left.length === 0 && (await sandboxesOfPod()).length === 0 ? true : undefined;
      });
    } finally {
      runtime.close();
    }
  }, 120_000);
});
