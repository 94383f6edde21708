/**
 * What a node agent may leave behind when it did not stop cleanly: processes still naming its data
 * dir (containerd, shims), mounts under it and its CNI bridge.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { findProcesses } from '../../../src/kubelet/containerd/processes.js';
import { run } from './run.js';

/** Pids of processes whose command line mentions `needle` (this process excluded). */
export async function processesMentioning(needle: string): Promise<number[]> {
  return (await findProcesses(needle)).map((p) => p.pid);
}

/**
 * SIGKILLs by pid whatever still mentions `dataDir`, unmounts (lazily, deepest first) what is
 * mounted under it and deletes `bridge` when given and present. The dir itself stays.
 */
export async function cleanUpNodeDir(dataDir: string, bridge?: string): Promise<void> {
  for (const pid of await processesMentioning(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(dataDir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]);
  if (bridge && existsSync(`/sys/class/net/${bridge}`)) await run('ip', ['link', 'delete', bridge]);
}
