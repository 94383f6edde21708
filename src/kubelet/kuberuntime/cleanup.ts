/**
 * What is left of a pod once it is terminated and gone (upstream kubelet pod cleanup +
 * container GC for that pod): its sandboxes (RemovePodSandbox removes their containers), stray
 * containers, the pod dir, the log dir (CRI logs survive RemovePodSandbox) and the pod-level
 * cgroup, which runc creates and nobody else removes (shared/cri/FACTS.md).
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Runtime } from '../container/runtime.js';
import { unmountUnder } from '../volumemanager/mounter.js';
import type { RuntimePodStatus } from './runtime-pod-status.js';
import { podDir, podLogDir } from './sandbox-config.js';

export interface CleanupOptions {
  runtime: Runtime;
  rootDir: string;
  logger: Logger;
  /** The cgroup mount root (`/sys/fs/cgroup`); null: cgroups are not ours to manage. */
  cgroupRoot: string | null;
}

/** Removes the pod's cgroup (`parent`, e.g. `/kubepods/besteffort/pod<uid>`) in every hierarchy. */
export async function removePodCgroup(cgroupRoot: string, parent: string, logger: Logger): Promise<void> {
  const hierarchies = await readdir(cgroupRoot, { withFileTypes: true }).catch(() => []);
  // cgroup v1: one hierarchy per controller folder (plus `unified`); cgroup v2: the root itself
  const roots = [
    cgroupRoot,
    ...hierarchies.filter((d) => d.isDirectory()).map((d) => join(cgroupRoot, d.name)),
  ];
  await Promise.all(
    roots.map(async (root) => {
      // runc removes the container cgroups inside asynchronously: EBUSY for a moment is normal
      for (let attempt = 0; ; attempt++) {
        try {
          await rmdir(join(root, parent));
          return;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') return;
          if (code !== 'EBUSY' || attempt >= 5) {
            logger.warn({ err, path: join(root, parent) }, 'pod cgroup not removed');
            return;
          }
          await sleep(100);
        }
      }
    }),
  );
}

export async function removePodResources(
  options: CleanupOptions,
  pod: Pod,
  status: RuntimePodStatus,
  /** Candidate pod cgroups (every QoS class's path when the class is unknown). */
  cgroupParents: string[],
): Promise<void> {
  const { runtime } = options;
  for (const s of status.sandboxes) {
    await runtime.stopPodSandbox(s.id);
    await runtime.removePodSandbox(s.id);
  }
  const sandboxIds = new Set(status.sandboxes.map((s) => s.id));
  for (const c of status.containers.filter((c) => !sandboxIds.has(c.sandboxId))) {
    await runtime.removeContainer(c.id).catch(() => undefined);
  }
  const uid = pod.metadata?.uid ?? '';
  if (uid) {
    // tmpfs volumes (memory emptyDir, secrets) first: rm must not descend into a live mount
    if (process.getuid?.() === 0) await unmountUnder(join(podDir(options.rootDir, uid), 'volumes'));
    await rm(podDir(options.rootDir, uid), { recursive: true, force: true });
  }
  if (pod.metadata?.name) await rm(podLogDir(options.rootDir, pod), { recursive: true, force: true });
  const root = options.cgroupRoot;
  if (root) for (const parent of cgroupParents) await removePodCgroup(root, parent, options.logger);
}
