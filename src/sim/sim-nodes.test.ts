import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isNotFound } from '../apimachinery/errors.js';
import { startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { Client } from '../client/index.js';
import { FakeClock } from '../scheduler/testing/fake-clock.js';
import { builtinProfiles, type PodProfile } from './pod-profile.js';
import { startSimNodes, type SimNodes, type SimNodesOptions } from './sim-nodes.js';

let server: TestServer;
let client: Client;
let clock: FakeClock;
let sim: SimNodes | undefined;
const T0 = Date.parse('2024-01-01T00:00:00Z');

beforeEach(async () => {
  server = await startTestServer({ watch: { bookmarkIntervalMs: 1000, defaultTimeoutMs: 60_000 } });
  client = new Client({ server: server.url });
  clock = new FakeClock(T0);
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  client.close();
  await server.close();
});

const start = async (o: Partial<SimNodesOptions> = {}) =>
  (sim = await startSimNodes({ client, nodes: 2, clock, logger: pino({ level: 'silent' }), ...o }));

const until = <T>(fn: () => Promise<T>): Promise<T> => vi.waitFor(fn, { timeout: 5000, interval: 10 });

const pod = (
  name: string,
  o: { annotations?: Record<string, string>; spec?: Partial<NonNullable<Pod['spec']>> } = {},
): Pod => ({
  metadata: { name, namespace: 'default', ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: { nodeName: 'sim-0', containers: [{ name: 'main', image: 'localhost/busybox:latest' }], ...o.spec },
});

const getPod = (name: string) => client.pods.get(name, { namespace: 'default' });
const condition = (s: PodStatus | undefined, type: string) =>
  s?.conditions?.find((c) => c.type === type)?.status;

/** Waits until the pod's status satisfies `check` (status writes are real HTTP, the clock is fake). */
const podStatus = (name: string, check: (s: PodStatus) => void) =>
  until(async () => {
    const s = (await getPod(name)).status ?? {};
    check(s);
    return s;
  });

/** Waits for the simulator's first status of the pod (the server's own has no container statuses). */
const seen = (name: string) =>
  podStatus(name, (s) => {
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses).toBeDefined();
  });

const lease = (name: string): Promise<Lease> => client.leases.get(name, { namespace: 'kube-node-lease' });

describe('startSimNodes: nodes', () => {
  it('registers Ready nodes with labels, zones, pod CIDRs, addresses, capacity and node info', async () => {
    await start({ nodes: 3, zones: 2 });
    const nodes = (await client.nodes.list()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['sim-0', 'sim-1', 'sim-2']);
    const n1 = nodes.find((n) => n.metadata?.name === 'sim-1');
    expect(n1?.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': 'sim-1',
      'kubernetes.io/os': 'linux',
      'topology.kubernetes.io/zone': 'zone-1',
      'cairn.dev/sim-node': 'true',
    });
    expect(n1?.metadata?.labels?.['kubernetes.io/arch']).toBeTruthy();
    expect(n1?.spec?.podCIDR).toBe('10.64.1.0/24');
    expect(n1?.status?.addresses).toEqual([
      { type: 'InternalIP', address: '172.16.0.2' },
      { type: 'Hostname', address: 'sim-1' },
    ]);
    expect(n1?.status?.capacity).toMatchObject({ cpu: '32', memory: '256Gi', pods: '110' });
    expect(n1?.status?.allocatable?.['ephemeral-storage']).toBeTruthy();
    expect(n1?.status?.nodeInfo?.kubeletVersion).toMatch(/^v1\./);
    expect(n1?.status?.nodeInfo?.operatingSystem).toBe('linux');
    const conditions = Object.fromEntries((n1?.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).toEqual({
      MemoryPressure: 'False',
      DiskPressure: 'False',
      PIDPressure: 'False',
      Ready: 'True',
    });
    expect(nodes[2]?.metadata?.labels?.['topology.kubernetes.io/zone']).toBe('zone-0');
    expect(sim?.stats.nodesRegistered).toBe(3);
  });

  it('renews each Lease every 10 s, spread over the interval, with the node as owner', async () => {
    await start({ nodes: 4 });
    await clock.advance(0);
    const first = await until(() => lease('sim-0'));
    expect(first.spec).toMatchObject({ holderIdentity: 'sim-0', leaseDurationSeconds: 40 });
    expect(first.spec?.renewTime).toBe('2024-01-01T00:00:00.000000Z');
    expect(first.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'sim-0' });
    // node i renews at i/4 of the interval: sim-1 not before 2.5 s
    await expect(lease('sim-1')).rejects.toSatisfy(isNotFound);
    await clock.advance(2500);
    expect((await until(() => lease('sim-1'))).spec?.renewTime).toBe('2024-01-01T00:00:02.500000Z');
    await expect(lease('sim-3')).rejects.toSatisfy(isNotFound);
    await clock.advance(7500);
    await until(async () => {
      expect((await lease('sim-0')).spec?.renewTime).toBe('2024-01-01T00:00:10.000000Z');
      expect((await lease('sim-3')).spec?.renewTime).toBe('2024-01-01T00:00:07.500000Z');
    });
    await until(async () => expect(sim?.stats.leaseRenewals).toBe(5));
  });

  it('puts Ready back when the node is seen Unknown, and stops heartbeating when stopped', async () => {
    await start({ nodes: 1 });
    const node = await client.nodes.get('sim-0');
    const unknown = (node.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c,
    );
    await client.nodes.updateStatus({ ...node, status: { ...node.status, conditions: unknown } });
    await until(async () => {
      await clock.advance(0);
      const ready = (await client.nodes.get('sim-0')).status?.conditions?.find((c) => c.type === 'Ready');
      expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    });
    await clock.advance(10_000);
    const renewed = await until(async () => {
      const l = await lease('sim-0');
      expect(l.spec?.renewTime).toBe('2024-01-01T00:00:10.000000Z');
      return l;
    });
    await sim?.stop({ removeNodes: true });
    await clock.advance(60_000);
    expect((await lease('sim-0').catch(() => renewed)).spec?.renewTime).toBe(renewed.spec?.renewTime);
    await expect(client.nodes.get('sim-0')).rejects.toSatisfy(isNotFound);
  });
});

describe('startSimNodes: pods', () => {
  it('takes a pod through init containers, startup and readiness, with a pod IP from the node CIDR', async () => {
    await start();
    const main: Container = {
      name: 'main',
      image: 'localhost/busybox:latest',
      readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 5 },
    };
    await client.pods.create(
      pod('web', {
        spec: { initContainers: [{ name: 'init', image: 'localhost/busybox:latest' }], containers: [main] },
      }),
    );
    const pending = await seen('web');
    expect(pending.initContainerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(pending.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(condition(pending, 'Initialized')).toBe('False');
    expect(pending.hostIP).toBe('172.16.0.1');

    await clock.advance(1000); // start delay: sandbox up, init container running
    const init = await podStatus('web', (s) =>
      expect(s.initContainerStatuses?.[0]?.state?.running).toBeDefined(),
    );
    expect(init.podIP).toBe('10.64.0.2');
    expect(condition(init, 'PodReadyToStartContainers')).toBe('True');

    await clock.advance(1000); // the init container exits 0, main starts
    const running = await podStatus('web', (s) => expect(s.phase).toBe('Running'));
    expect(running.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(running.containerStatuses?.[0]).toMatchObject({ ready: false, started: true, restartCount: 0 });
    expect(running.containerStatuses?.[0]?.state?.running?.startedAt).toBe('2024-01-01T00:00:02Z');
    expect(running.containerStatuses?.[0]?.containerID).toMatch(/^sim:\/\/[0-9a-f]{64}$/);
    expect(condition(running, 'Initialized')).toBe('True');
    expect(condition(running, 'Ready')).toBe('False');

    await clock.advance(5000); // readiness probe's initial delay
    const ready = await podStatus('web', (s) => expect(condition(s, 'Ready')).toBe('True'));
    expect(condition(ready, 'ContainersReady')).toBe('True');
    expect(sim?.podCount()).toBe(1);
  });

  it.each([
    ['Never', {}, 'Succeeded', 0],
    ['Never', { 'cairn.dev/sim-exit-code': '3' }, 'Failed', 3],
    ['OnFailure', {}, 'Succeeded', 0],
  ] as const)(
    'batch profile, restartPolicy %s, annotations %j → %s',
    async (policy, annotations, phase, code) => {
      await start({ podProfile: builtinProfiles.batch as PodProfile });
      await client.pods.create(pod('job', { annotations, spec: { restartPolicy: policy } }));
      await seen('job');
      await clock.advance(1000);
      await podStatus('job', (s) => expect(s.phase).toBe('Running'));
      await clock.advance(5000);
      const done = await podStatus('job', (s) => expect(s.phase).toBe(phase));
      expect(done.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(code);
      expect(condition(done, 'Ready')).toBe('False');
      if (phase === 'Succeeded')
        expect(done.conditions?.find((c) => c.type === 'ContainersReady')?.reason).toBe('PodCompleted');
    },
  );

  it('crashes a pod annotated sim-crash-after into CrashLoopBackOff with growing restart counts', async () => {
    await start({ podProfile: builtinProfiles.fast as PodProfile });
    await client.pods.create(pod('crash', { annotations: { 'cairn.dev/sim-crash-after': '2s' } }));
    await clock.advance(0);
    await podStatus('crash', (s) => expect(s.phase).toBe('Running'));
    await clock.advance(2000); // first crash: restarted at once
    await podStatus('crash', (s) => expect(s.containerStatuses?.[0]?.restartCount).toBe(1));
    await clock.advance(2000); // second crash: back-off 10 s
    const backOff = await podStatus('crash', (s) =>
      expect(s.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff'),
    );
    const c = backOff.containerStatuses?.[0];
    expect(c?.state?.waiting?.message).toMatch(
      /^back-off 10s restarting failed container=main pod=crash_default\(/,
    );
    expect(c?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c?.restartCount).toBe(1);
    expect(backOff.phase).toBe('Running');
    expect(condition(backOff, 'Ready')).toBe('False');
    await clock.advance(10_000);
    await podStatus('crash', (s) => {
      expect(s.containerStatuses?.[0]?.restartCount).toBe(2);
      expect(s.containerStatuses?.[0]?.state?.running).toBeDefined();
    });
  });

  it('waits for sim-start-delay before starting a pod', async () => {
    await start({ podProfile: builtinProfiles.fast as PodProfile });
    await client.pods.create(pod('slow', { annotations: { 'cairn.dev/sim-start-delay': '30s' } }));
    await seen('slow');
    await clock.advance(29_000);
    expect((await getPod('slow')).status?.phase).toBe('Pending');
    await clock.advance(1000);
    await podStatus('slow', (s) => expect(s.phase).toBe('Running'));
  });

  it('finishes a deleted pod after its termination delay, then deletes it with grace 0', async () => {
    await start({ podProfile: builtinProfiles.fast as PodProfile });
    await client.pods.create(pod('gone', { annotations: { 'cairn.dev/sim-termination-delay': '5s' } }));
    await clock.advance(0);
    await podStatus('gone', (s) => expect(condition(s, 'Ready')).toBe('True'));
    await client.pods.delete('gone', { namespace: 'default' });
    const deleting = await getPod('gone');
    expect(deleting.metadata?.deletionTimestamp).toBeTruthy();
    await clock.advance(4000);
    expect((await getPod('gone')).metadata?.name).toBe('gone');
    const seen: PodStatus[] = [];
    const abort = new AbortController();
    const events = await client.pods.watch({
      namespace: 'default',
      fieldSelector: 'metadata.name=gone',
      resourceVersion: deleting.metadata?.resourceVersion ?? '',
      signal: abort.signal,
    });
    await clock.advance(1000);
    for await (const e of events) {
      if (e.type === 'MODIFIED') seen.push(e.object.status ?? {});
      if (e.type === 'DELETED') break;
    }
    abort.abort();
    // the terminal status was written before the delete
    expect(seen.at(-1)?.phase).toBe('Succeeded');
    expect(seen.at(-1)?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    await expect(getPod('gone')).rejects.toSatisfy(isNotFound);
    await until(async () => expect(sim?.podCount()).toBe(0));
    expect(sim?.stats.podDeletes).toBe(1);
  });

  it('puts a pod back to Ready when another writer marked it not ready', async () => {
    await start({ podProfile: builtinProfiles.fast as PodProfile });
    await client.pods.create(pod('flap'));
    const ready = await podStatus('flap', (s) => expect(condition(s, 'Ready')).toBe('True'));
    const current = await getPod('flap');
    // what the node lifecycle controller does to the pods of a node gone Unknown
    const conditions = (ready.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' } : c,
    );
    await client.pods.updateStatus({ ...current, status: { ...ready, conditions } });
    await podStatus('flap', (s) => expect(condition(s, 'Ready')).toBe('True'));
  });

  it('leaves pods of other nodes alone', async () => {
    await start();
    await client.pods.create({
      ...pod('elsewhere'),
      spec: { ...pod('elsewhere').spec!, nodeName: 'real-node' },
    });
    await client.pods.create(pod('mine'));
    await seen('mine');
    expect((await getPod('elsewhere')).status?.phase).toBe('Pending');
    expect((await getPod('elsewhere')).status?.containerStatuses).toBeUndefined();
    expect(sim?.podCount()).toBe(1);
  });
});
