/**
 * `cairn up` as a user sees it, with the real kubectl: the node registers Ready with upstream's
 * columns, its Lease in kube-node-lease is renewed, and pods bound to it run on containerd —
 * a pod that exits reaches Succeeded (Completed), a long-running one gets a pod IP in the node's
 * CIDR, and `kubectl delete pod` really removes its sandbox and containers. The kubelet's events
 * (Pulled, Created, Started, Killing) show in `kubectl get events` and `kubectl describe pod`; a
 * readiness gate holds Ready until a client sets its condition through pods/status; init
 * containers run in order, a failing one restarted (Init:Error, Init:CrashLoopBackOff) until it
 * succeeds. Teardown stops the
 * process, containerd and its shims by pid, and removes the bridge and the data dir.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRuntime } from '../../src/kubelet/cri/remote-runtime.js';
import { type CairnUp, processesMentioning, startCairnUp } from './harness.js';
import { hasPodLifecycle, isRoot } from './support/guards.js';
import { waitFor } from './support/wait.js';

// this run's own bridge and subnet: a `cairn up` on this machine (cairn0, 10.244.0.0/24) is left alone
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-up-${suffix}`;
const octet = 100 + (parseInt(suffix, 16) % 100);
const podCIDR = `10.246.${octet}.0/24`;

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
    const node = await up.json<Node>(['get', 'node', 'e2e-node']);
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
    const first = await up.json<Lease>(['get', 'lease', '-n', 'kube-node-lease', 'e2e-node']);
    expect(first.spec?.leaseDurationSeconds).toBe(40);
    expect(first.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'e2e-node' });
    const renewed = await waitFor(
      'the lease to be renewed',
      async () => {
        const l = await up.json<Lease>(['get', 'lease', '-n', 'kube-node-lease', 'e2e-node']);
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
  const phase = async (name: string) => (await up.json<Pod>(['get', 'pod', name])).status?.phase;

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
      const p = await up.json<Pod>(['get', 'pod', 'sleeper']);
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

  it('records the kubelet events: kubectl get events and describe show Scheduled, Pulled, Created, Started, Killing', async () => {
    await up.k(['run', 'ev', '--image=localhost/busybox:latest', '--restart=Never', '--', 'sleep', '3600']);
    await waitFor('pod ev to run', async () => ((await phase('ev')) === 'Running' ? true : undefined));
    type EventList = { items: Event[] };
    const events = async () =>
      (await up.json<EventList>(['get', 'events', '--field-selector', 'involvedObject.name=ev'])).items;
    const started = await waitFor('the Started event', async () => {
      const list = await events();
      return list.some((e) => e.reason === 'Started') ? list : undefined;
    });
    expect(started.map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started']);
    const byReason = Object.fromEntries(started.map((e) => [e.reason, e]));
    expect(byReason.Pulled).toMatchObject({
      type: 'Normal',
      message: 'Container image "localhost/busybox:latest" already present on machine',
      source: { component: 'kubelet', host: 'e2e-node' },
      involvedObject: { kind: 'Pod', name: 'ev', namespace: 'default', fieldPath: 'spec.containers{ev}' },
      count: 1,
    });
    expect(byReason.Created?.message).toBe('Created container: ev');
    expect(byReason.Started?.message).toBe('Started container ev');
    const describe = await up.k(['describe', 'pod', 'ev']);
    const section = describe.slice(describe.indexOf('Events:'));
    expect(section).toMatch(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/ev to e2e-node/,
    );
    expect(section).toMatch(
      /Normal\s+Pulled\s+\S+\s+kubelet\s+Container image "localhost\/busybox:latest" already present/,
    );
    expect(section).toMatch(/Normal\s+Created\s+\S+\s+kubelet\s+Created container: ev/);
    expect(section).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container ev/);

    await up.k(['delete', 'pod', 'ev', '--grace-period=1', '--wait=true']);
    const killing = await waitFor('the Killing event', async () =>
      (await events()).find((e) => e.reason === 'Killing'),
    );
    expect(killing).toMatchObject({ type: 'Normal', message: 'Stopping container ev' });
  }, 120_000);

  it('a readiness gate holds Ready False until kubectl patch --subresource=status sets its condition True', async () => {
    await up.k(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'gated' },
        spec: {
          readinessGates: [{ conditionType: 'example.com/feature-1' }],
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'localhost/busybox:latest', command: ['sleep', '3600'] }],
        },
      }),
    });
    const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
    const running = await waitFor('pod gated to run', async () => {
      const p = await up.json<Pod>(['get', 'pod', 'gated']);
      return p.status?.phase === 'Running' && condition(p, 'ContainersReady')?.status === 'True'
        ? p
        : undefined;
    });
    expect(condition(running, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
    expect(await up.k(['get', 'pod', 'gated', '-o', 'wide'])).toMatch(/\ngated\s+1\/1\s+Running.*\s0\/1\s*$/);
    // still held a few syncs later
    await sleep(2000);
    expect(condition(await up.json<Pod>(['get', 'pod', 'gated']), 'Ready')?.status).toBe('False');

    await up.k([
      'patch',
      'pod',
      'gated',
      '--subresource=status',
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/status/conditions/-', value: { type: 'example.com/feature-1', status: 'True' } },
      ]),
    ]);
    const ready = await waitFor('pod gated Ready', async () => {
      const p = await up.json<Pod>(['get', 'pod', 'gated']);
      return condition(p, 'Ready')?.status === 'True' ? p : undefined;
    });
    expect(condition(ready, 'example.com/feature-1')?.status).toBe('True');
    expect(await up.k(['get', 'pod', 'gated', '-o', 'wide'])).toMatch(/\ngated\s+1\/1\s+Running.*\s1\/1\s*$/);
    await up.k(['delete', 'pod', 'gated', '--wait=true']);
  }, 120_000);

  it('init containers run in order; the first fails twice (Init:Error, Init:CrashLoopBackOff), then succeeds', async () => {
    const log = (what: string) => `echo ${what} >> /work/log`;
    await up.k(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'inits' },
        spec: {
          terminationGracePeriodSeconds: 1,
          volumes: [{ name: 'work', emptyDir: {} }],
          initContainers: [
            {
              name: 'flaky',
              image: 'localhost/busybox:latest',
              command: [
                'sh',
                '-c',
                `n=$(cat /work/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /work/n; ${log('flaky')}; [ $n -ge 3 ]`,
              ],
              volumeMounts: [{ name: 'work', mountPath: '/work' }],
            },
            {
              name: 'second',
              image: 'localhost/busybox:latest',
              command: ['sh', '-c', log('second')],
              volumeMounts: [{ name: 'work', mountPath: '/work' }],
            },
          ],
          containers: [
            {
              name: 'app',
              image: 'localhost/busybox:latest',
              command: ['sh', '-c', 'cat /work/log; exec sleep 3600'],
              volumeMounts: [{ name: 'work', mountPath: '/work' }],
            },
          ],
        },
      }),
    });
    const seen = new Set<string>();
    const pod = await waitFor(
      'pod inits to run',
      async () => {
        const row = (await up.k(['get', 'pod', 'inits', '--no-headers'])).trim().split(/\s+/);
        if (row[2]) seen.add(row[2]);
        const p = await up.json<Pod>(['get', 'pod', 'inits']);
        return p.status?.phase === 'Running' ? p : undefined;
      },
      90_000,
    );
    expect(seen).toContain('Init:0/2');
    expect([...seen].some((x) => x === 'Init:Error' || x === 'Init:CrashLoopBackOff')).toBe(true);
    const [flaky, second] = pod.status?.initContainerStatuses ?? [];
    expect(flaky).toMatchObject({
      name: 'flaky',
      restartCount: 2,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(flaky?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(second).toMatchObject({ name: 'second', restartCount: 0, state: { terminated: { exitCode: 0 } } });
    expect(await up.k(['logs', 'inits', '-c', 'app'])).toBe('flaky\nflaky\nflaky\nsecond\n');
    // the same event again raises its count (PATCH): three starts of the init container, one Event each
    const events = (
      await up.json<{ items: Event[] }>(['get', 'events', '--field-selector', 'involvedObject.name=inits'])
    ).items.filter((e) => e.involvedObject.fieldPath === 'spec.initContainers{flaky}');
    const started = events.filter((e) => e.reason === 'Started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ count: 3, message: 'Started container flaky' });
    expect(events.some((e) => e.reason === 'BackOff' && e.type === 'Warning')).toBe(true);
    await up.k(['delete', 'pod', 'inits', '--wait=true']);
  }, 150_000);
});
