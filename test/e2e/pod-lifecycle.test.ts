/**
 * The pod lifecycle on real parts (root): a private containerd in a temporary data dir with its
 * own bridge and subnet (as cri.test.ts), the local images, and `createPodLifecycle` driven
 * directly with the real CRI client; the statuses it writes are captured instead of an API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/kubelet/container/runtime.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/index.js';
import type { PodLifecycle } from '../../src/kubelet/lifecycle.js';
import { type PrivateLifecycle, startPrivateLifecycle, until } from './support/private-lifecycle.js';

const isRoot = process.getuid?.() === 0;
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-pl-${suffix}`;
const subnetOctet = 100 + (parseInt(suffix, 16) % 100);
const subnet = `10.246.${subnetOctet}.0/24`;

let dataDir = '';
let node: PrivateLifecycle | undefined;
let rt: Runtime;
let lifecycle: PodLifecycle;
const abort = new AbortController();
const statuses = new Map<string, PodStatus[]>();
const deleted: string[] = [];
const removedUids: string[] = [];
let helloPod: Pod | undefined;

const container = (name: string, command: string[]): Container => ({
  name,
  image: BUSYBOX_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command,
});

const createdUids: string[] = [];

function makePod(name: string, spec: Partial<NonNullable<Pod['spec']>>): Pod {
  const uid = randomUUID();
  createdUids.push(uid);
  return {
    metadata: { name, namespace: 'default', uid },
    spec: { containers: [], restartPolicy: 'Always', terminationGracePeriodSeconds: 2, ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

const latest = (pod: Pod) => statuses.get(pod.metadata!.uid!)?.at(-1);

beforeAll(async () => {
  if (!isRoot) return;
  node = await startPrivateLifecycle({
    prefix: 'cairn-pl-',
    bridge,
    subnet,
    signal: abort.signal,
    lifecycle: {
      clusterDNS: { nameservers: ['10.96.0.10'], domain: 'cluster.local' },
      relistPeriodMs: 200,
      updatePodStatus: async (pod, status) => {
        const uid = pod.metadata!.uid!;
        statuses.set(uid, [...(statuses.get(uid) ?? []), structuredClone(status)]);
      },
      deletePod: async (pod) => {
        deleted.push(pod.metadata!.uid!);
      },
    },
  });
  ({ dataDir, runtime: rt, lifecycle } = node);
});

afterAll(async () => {
  if (!isRoot) return;
  abort.abort();
  await node?.stop(createdUids);
});

describe.skipIf(!isRoot)('pod lifecycle on containerd', () => {
  it('init container then `echo Hello World` under Never: Succeeded, Completed exit 0', async () => {
    const pod = makePod('hello', {
      restartPolicy: 'Never',
      initContainers: [container('init', ['sh', '-c', 'echo init'])],
      containers: [container('hello', ['sh', '-c', 'echo Hello World'])],
    });
    helloPod = pod;
    lifecycle.update(pod);
    const s = await until('Succeeded', () => latest(pod)?.phase === 'Succeeded' && latest(pod));
    const cond = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c]));
    expect(cond['Initialized']?.status).toBe('True');
    expect(cond['ContainersReady']).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(cond['Ready']).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(cond['PodScheduled']?.status).toBe('True');
    expect(s.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const hello = s.containerStatuses?.[0];
    expect(hello?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(hello?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(hello?.imageID).toMatch(/^sha256:/);
    expect(s.podIP).toMatch(new RegExp(`^10\\.246\\.${subnetOctet}\\.\\d+$`));
    expect(s.startTime).toBeTruthy();
    const seen = statuses.get(pod.metadata!.uid!)!.map((x) => x.phase);
    expect(seen[0]).toBe('Pending');
  });

  it('`sleep 3600` reaches Running with a pod IP, then a graceful deletion stops it and deletePod is called', async () => {
    const pod = makePod('sleeper', { containers: [container('sleep', ['sleep', '3600'])] });
    lifecycle.update(pod);
    const s = await until('Running', () => latest(pod)?.phase === 'Running' && latest(pod));
    expect(s.podIP).toMatch(new RegExp(`^10\\.246\\.${subnetOctet}\\.\\d+$`));
    expect(s.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    lifecycle.update({
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: new Date().toISOString(),
        deletionGracePeriodSeconds: 1,
      },
    });
    await until('deletePod', () => deleted.includes(pod.metadata!.uid!));
    expect(latest(pod)?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
    const left = await rt.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': pod.metadata!.uid! } });
    expect(left).toEqual([]);
    lifecycle.remove(pod);
    removedUids.push(pod.metadata!.uid!);
  });

  it('a container exiting 1 under Always: restartCount grows, CrashLoopBackOff', async () => {
    const pod = makePod('crash', { containers: [container('crash', ['sh', '-c', 'exit 1'])] });
    lifecycle.update(pod);
    const s = await until('CrashLoopBackOff', () => {
      const st = latest(pod);
      return st?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' && st;
    });
    const cs = s.containerStatuses![0]!;
    expect(cs.restartCount).toBeGreaterThanOrEqual(1);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.state?.waiting?.message).toMatch(
      /^back-off 10s restarting failed container=crash pod=crash_default\(/,
    );
    expect(s.phase).toBe('Running');
    lifecycle.remove(pod);
    removedUids.push(pod.metadata!.uid!);
  });

  it('two containers share the network namespace: wget localhost:8080 reaches httpd', async () => {
    const pod = makePod('shared-net', {
      restartPolicy: 'OnFailure',
      containers: [
        container('server', ['sh', '-c', 'echo shared > /tmp/index.html && httpd -f -p 8080 -h /tmp']),
        container('client', [
          'sh',
          '-c',
          'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://localhost:8080/index.html && exit 0; sleep 0.3; done; exit 1',
        ]),
      ],
    });
    lifecycle.update(pod);
    const s = await until('client done', () => {
      const st = latest(pod);
      return st?.containerStatuses?.[1]?.state?.terminated && st;
    });
    expect(s.containerStatuses?.[1]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(s.containerStatuses?.[0]?.state?.running).toBeTruthy();
    lifecycle.remove(pod);
    removedUids.push(pod.metadata!.uid!);
  });

  it('activeDeadlineSeconds: past it the pod is Failed DeadlineExceeded and its container killed', async () => {
    const pod = makePod('deadline', {
      activeDeadlineSeconds: 3,
      terminationGracePeriodSeconds: 1,
      containers: [container('sleep', ['sleep', '3600'])],
    });
    lifecycle.update(pod);
    const running = await until('Running', () => latest(pod)?.phase === 'Running' && latest(pod));
    const startedAt = Date.parse(running.startTime ?? '');
    const s = await until('Failed', () => latest(pod)?.phase === 'Failed' && latest(pod), 20_000);
    expect(s).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000); // startTime is kept to the second
    const killed = await until('the container killed', () => {
      const st = latest(pod);
      return st?.containerStatuses?.[0]?.state?.terminated && st;
    });
    expect(killed).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
    expect(killed.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
    expect(killed.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    const uid = pod.metadata!.uid!;
    const live = (await rt.listContainers({ label_selector: { 'io.kubernetes.pod.uid': uid } })).filter(
      (c) => c.state === 'CONTAINER_RUNNING',
    );
    expect(live).toEqual([]);
    lifecycle.remove(pod);
    removedUids.push(uid);
  });

  it('pods removed from the API are stopped and cleaned up (sandboxes, log dirs, pod cgroups)', async () => {
    const deadline = Date.now() + 15_000;
    const logDirs = () => readdir(join(dataDir, 'kubelet', 'logs'));
    // cleanup removes the sandboxes first, then the pod's folders and cgroup: wait for the last step
    while (
      ((await rt.listPodSandbox()).length > 1 || (await logDirs()).length > 1) &&
      Date.now() < deadline
    ) {
      await sleep(100);
    }
    const uids = await rt.listPodSandbox();
    // only the Succeeded pod of the first case remains: terminal and kept until it is deleted
    expect(uids.map((s) => s.metadata?.name)).toEqual(['hello']);
    expect(uids[0]?.state).toBe('SANDBOX_NOTREADY');
    const cgroups = await readdir('/sys/fs/cgroup/memory/kubepods/besteffort').catch(() => []);
    expect(cgroups.filter((d) => removedUids.some((u) => d === `pod${u}`))).toEqual([]);
    expect((await readdir(join(dataDir, 'kubelet', 'logs'))).map((d) => d.split('_')[1])).toEqual(['hello']);
    // deleting the Succeeded pod removes what was kept for it
    const hello = helloPod!;
    lifecycle.update({
      ...hello,
      metadata: { ...hello.metadata, deletionTimestamp: new Date().toISOString() },
    });
    await until('hello deleted', () => deleted.includes(hello.metadata!.uid!));
    expect(await rt.listPodSandbox()).toEqual([]);
    expect(await readdir(join(dataDir, 'kubelet', 'logs'))).toEqual([]);
    expect(await readdir(join(dataDir, 'kubelet', 'pods'))).toEqual([]);
    expect(latest(hello)?.phase).toBe('Succeeded');
  });
});
