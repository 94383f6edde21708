/**
 * The pod lifecycle on real parts without an API server: a private containerd in a temporary data
 * dir with its own bridge and subnet, the local images, and `createPodLifecycle` driven directly
 * with the real CRI client (the caller captures statuses and deletions through its options).
 * `stop()` removes every sandbox, stops containerd, removes the pods' cgroups (then the node-level
 * QoS cgroups, kept when another agent still uses them), kills by pid whatever still mentions the
 * data dir and removes it.
 */
import { mkdtemp, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { Runtime } from '../../../src/kubelet/container/runtime.js';
import { findProcesses, startContainerd, type Containerd } from '../../../src/kubelet/containerd/index.js';
import { ensureLocalImages } from '../../../src/kubelet/images/index.js';
import type { PodLifecycle } from '../../../src/kubelet/lifecycle.js';
import { writeCniConfig } from '../../../src/kubelet/network/index.js';
import {
  type CreatePodLifecycleOptions,
  createPodLifecycle,
} from '../../../src/kubelet/pod-workers/index.js';

export interface PrivateLifecycle {
  dataDir: string;
  runtime: Runtime;
  lifecycle: PodLifecycle;
  /** `uids`: the pods the test made, whose cgroups go too. */
  stop(uids: string[]): Promise<void>;
}

export interface PrivateLifecycleOptions {
  /** Temporary data dir prefix, e.g. `cairn-pl-`. */
  prefix: string;
  bridge: string;
  subnet: string;
  /** The lifecycle's options beyond runtime, node name, logger and root dir. */
  lifecycle: Omit<CreatePodLifecycleOptions, 'runtime' | 'nodeName' | 'logger' | 'rootDir'>;
  signal: AbortSignal;
}

export async function startPrivateLifecycle(o: PrivateLifecycleOptions): Promise<PrivateLifecycle> {
  const dataDir = await mkdtemp(join(tmpdir(), o.prefix));
  const started: { containerd?: Containerd } = {};
  const stop = async (uids: string[]) => {
    try {
      const { containerd } = started;
      if (containerd) {
        const rt = containerd.runtime;
        for (const sandbox of await rt.listPodSandbox().catch(() => [])) {
          await rt.stopPodSandbox(sandbox.id).catch(() => undefined);
          await rt.removePodSandbox(sandbox.id).catch(() => undefined);
        }
        await containerd.stop();
      }
      for (const h of await readdir('/sys/fs/cgroup').catch(() => [])) {
        const pods = uids.map((uid) => `kubepods/besteffort/pod${uid}`);
        for (const dir of [...pods, 'kubepods/besteffort', 'kubepods/burstable', 'kubepods']) {
          await rmdir(join('/sys/fs/cgroup', h, dir)).catch(() => undefined);
        }
      }
    } finally {
      for (const p of await findProcesses(dataDir)) process.kill(p.pid, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  try {
    await writeCniConfig(join(dataDir, 'cni', 'net.d'), {
      subnet: o.subnet,
      bridge: o.bridge,
      ipamDataDir: join(dataDir, 'cni', 'ipam'),
    });
    const containerd = await startContainerd({ dataDir, bridge: o.bridge });
    started.containerd = containerd;
    const runtime = containerd.runtime;
    await ensureLocalImages(runtime, { socket: containerd.socket, workDir: dataDir });
    const lifecycle = createPodLifecycle({
      runtime,
      nodeName: 'e2e',
      logger: pino({ level: 'silent' }),
      rootDir: join(dataDir, 'kubelet'),
      ...o.lifecycle,
    });
    await lifecycle.start(o.signal);
    return { dataDir, runtime, lifecycle, stop };
  } catch (err) {
    await stop([]);
    throw err;
  }
}

/** Polls a value the test holds locally (every 50 ms) until it is truthy; throws naming `what`. */
export async function until<T>(
  what: string,
  fn: () => T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
