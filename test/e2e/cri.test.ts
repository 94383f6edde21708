/**
 * The agent's runtime foundation on real parts (root): a private containerd in a temporary data
 * dir, the two locally built images, a CNI sandbox, containers that exit and that run, ExecSync,
 * the CRI log file, and a teardown that leaves no process, bridge or folder behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ContainerConfig,
  ContainerStatus,
  PodSandboxConfig,
  Runtime,
} from '../../src/kubelet/container/runtime.js';
import { findProcesses, startContainerd, type Containerd } from '../../src/kubelet/containerd/index.js';
import { BUSYBOX_IMAGE, ensureLocalImages, PAUSE_IMAGE } from '../../src/kubelet/images/index.js';
import { writeCniConfig } from '../../src/kubelet/network/index.js';

const isRoot = process.getuid?.() === 0;
// a bridge and subnet of this run's own: a `cairn up` on this machine (cairn0) is left alone
const suffix = randomBytes(2).toString('hex');
const bridge = `cairn-e2e-${suffix}`;
const subnetOctet = 100 + (parseInt(suffix, 16) % 100);
const subnet = `10.245.${subnetOctet}.0/24`;

let dataDir = '';
let containerd: Containerd | undefined;
let rt: Runtime;
const timings: Record<string, number> = {};

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

async function waitForExit(id: string, timeoutMs = 10_000): Promise<ContainerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await rt.containerStatus(id);
    if (status?.state === 'CONTAINER_EXITED') return status;
    if (Date.now() > deadline)
      throw new Error(`container ${id} still ${status?.state} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

beforeAll(async () => {
  if (!isRoot) return;
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-cri-'));
  const ipamDataDir = join(dataDir, 'cni', 'ipam');
  await writeCniConfig(join(dataDir, 'cni', 'net.d'), { subnet, bridge, ipamDataDir });
  containerd = await timed('containerd start', () => startContainerd({ dataDir, bridge }));
  rt = containerd.runtime;
  await timed('images', () => ensureLocalImages(rt, { socket: containerd!.socket, workDir: dataDir }));
});

afterAll(async () => {
  if (!isRoot) return;
  try {
    if (containerd) {
      // whatever a failed test left: sandboxes first, so that shims exit and mounts go
      for (const sandbox of await rt.listPodSandbox().catch(() => [])) {
        await rt.stopPodSandbox(sandbox.id).catch(() => undefined);
        await rt.removePodSandbox(sandbox.id).catch(() => undefined);
      }
      await containerd.stop();
    }
  } finally {
    for (const p of await findProcesses(dataDir)) process.kill(p.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(`cri e2e timings (ms): ${JSON.stringify(timings)}`);
});

describe.skipIf(!isRoot)('CRI on a private containerd', () => {
  it('starts containerd and imports the local images once', async () => {
    expect(containerd?.version.runtime_name).toBe('containerd');
    expect(containerd?.version.runtime_api_version).toBe('v1');
    for (const image of [PAUSE_IMAGE, BUSYBOX_IMAGE]) {
      expect((await rt.imageStatus({ image })).image?.repo_tags).toContain(image);
    }
    const again = await ensureLocalImages(rt, { socket: containerd!.socket });
    expect(again.map((i) => i.imported)).toEqual([false, false]);
    // a restarted agent adopts the containerd its predecessor left running
    const adopted = await startContainerd({ dataDir, bridge });
    expect(adopted.pid).toBe(containerd!.pid);
    adopted.runtime.close();
    const { status } = await rt.status();
    expect(status?.conditions.find((c) => c.type === 'NetworkReady')?.status).toBe(true);
  });

  it('runs a pod: sandbox with CNI, an exiting container with its log, exec in a running one', async () => {
    const logDir = join(dataDir, 'pods', 'default_e2e');
    await mkdir(join(logDir, 'once'), { recursive: true });
    await mkdir(join(logDir, 'sleeper'), { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'e2e', uid: randomUUID(), namespace: 'default', attempt: 0 },
      hostname: 'cairn-e2e',
      log_directory: logDir,
      dns_config: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      labels: { 'io.kubernetes.pod.name': 'e2e' },
      linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sandboxId = await timed('RunPodSandbox', () => rt.runPodSandbox(sandboxConfig));
    const sandbox = (await rt.podSandboxStatus(sandboxId)).status;
    expect(sandbox?.state).toBe('SANDBOX_READY');
    expect(sandbox?.network?.ip).toMatch(new RegExp(`^10\\.245\\.${subnetOctet}\\.\\d+$`));

    const container = (name: string, command: string[]): ContainerConfig => ({
      metadata: { name, attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command,
      envs: [{ key: 'GREETING', value: 'hello from cairn' }],
      log_path: `${name}/0.log`,
    });
    const onceId = await timed('CreateContainer', () =>
      rt.createContainer(sandboxId, container('once', ['sh', '-c', 'echo $GREETING; exit 3']), sandboxConfig),
    );
    await timed('StartContainer', () => rt.startContainer(onceId));
    timings['RunPodSandbox → running'] =
      timings['RunPodSandbox']! + timings['CreateContainer']! + timings['StartContainer']!;
    const exited = await waitForExit(onceId);
    expect(exited.exit_code).toBe(3);
    expect(exited.reason).toBe('Error');
    expect(exited.log_path).toBe(join(logDir, 'once', '0.log'));
    const log = await readFile(exited.log_path, 'utf8');
    expect(log).toMatch(/^\S+Z stdout F hello from cairn$/m);

    const sleeperId = await rt.createContainer(
      sandboxId,
      container('sleeper', ['sleep', '3600']),
      sandboxConfig,
    );
    await rt.startContainer(sleeperId);
    const exec = await timed('ExecSync', () =>
      rt.execSync(sleeperId, ['sh', '-c', 'echo exec ok; hostname; cat /etc/resolv.conf; echo oops >&2'], 10),
    );
    expect(exec.exit_code).toBe(0);
    const stdout = exec.stdout.toString();
    expect(stdout).toContain('exec ok\ncairn-e2e\n');
    expect(stdout).toContain('nameserver 10.96.0.10');
    expect(stdout).toContain('search default.svc.cluster.local');
    expect(exec.stderr.toString()).toBe('oops\n');
    const failing = await rt.execSync(sleeperId, ['sh', '-c', 'exit 7'], 10);
    expect(failing.exit_code).toBe(7);

    const listed = await rt.listContainers({ pod_sandbox_id: sandboxId });
    expect(listed.map((c) => c.metadata?.name).sort()).toEqual(['once', 'sleeper']);

    await rt.stopContainer(sleeperId, 0);
    await rt.removeContainer(sleeperId);
    await rt.removeContainer(onceId);
    await timed('StopPodSandbox', () => rt.stopPodSandbox(sandboxId));
    await timed('RemovePodSandbox', () => rt.removePodSandbox(sandboxId));
    await expect(rt.containerStatus(onceId)).rejects.toMatchObject({ code: 'NotFound' });
    expect(await rt.listPodSandbox()).toEqual([]);
  });

  it('stops containerd and leaves nothing behind', async () => {
    const pid = containerd!.pid!;
    await timed('containerd stop', () => containerd!.stop());
    containerd = undefined;
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(await findProcesses(dataDir)).toEqual([]);
    expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
    await rm(dataDir, { recursive: true });
    expect(existsSync(dataDir)).toBe(false);
  });
});
