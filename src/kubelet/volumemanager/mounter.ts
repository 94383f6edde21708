/**
 * The few mount operations volumes need (upstream `mount-utils`): tmpfs for memory-backed
 * emptyDirs and secret volumes, mount point checks from /proc/self/mountinfo, and unmounting
 * whatever is left under a pod's dir before it is removed.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Mounter {
  /** Mounts a tmpfs at `dir` (size in bytes when given). */
  mountTmpfs(dir: string, sizeBytes?: bigint): Promise<void>;
  isMountPoint(dir: string): Promise<boolean>;
  /** Mount points at or below `dir`, deepest first. */
  mountPointsUnder(dir: string): Promise<string[]>;
  unmount(dir: string): Promise<void>;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export async function readMountPoints(path = '/proc/self/mountinfo'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map(unescape);
}

export const systemMounter: Mounter = {
  async mountTmpfs(dir, sizeBytes) {
    const opts = sizeBytes !== undefined && sizeBytes > 0n ? `size=${sizeBytes}` : 'mode=0777';
    await exec('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]);
  },
  async isMountPoint(dir) {
    return (await readMountPoints()).includes(dir);
  },
  async mountPointsUnder(dir) {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const points = (await readMountPoints()).filter((p) => p === dir || p.startsWith(prefix));
    return [...new Set(points)].sort((a, b) => b.length - a.length);
  },
  async unmount(dir) {
    await exec('umount', [dir]);
  },
};

/** A Mounter for tests and non-root agents: tmpfs is a plain directory, nothing is ever mounted. */
export const noopMounter: Mounter = {
  mountTmpfs: async () => undefined,
  isMountPoint: async () => false,
  mountPointsUnder: async () => [],
  unmount: async () => undefined,
};

/** Unmounts everything under `dir` (a pod's dir before it is removed); lazily when busy. */
export async function unmountUnder(dir: string, mounter: Mounter = systemMounter): Promise<void> {
  for (const p of await mounter.mountPointsUnder(dir)) {
    await mounter.unmount(p).catch(async () => {
      if (mounter === systemMounter) await exec('umount', ['-l', p]);
    });
  }
}
