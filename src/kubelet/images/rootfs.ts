/**
 * Root filesystems of the locally built images, from Debian binaries:
 * - busybox (`busybox-static`): /bin/busybox plus one symlink per applet at its usual path —
 *   what `busybox --install -s` does in a chroot, without needing one (sh, httpd, nc, wget,
 *   nslookup, …);
 * - pause (`catatonit`): /catatonit, run as `/catatonit -P` (a pause process reaping zombies);
 * - cairn-node: the host's `node` and `etcd` with the shared libraries they load, for the
 *   self-hosted control plane's static pods (the Cairn install itself comes in by hostPath).
 */
import { copyFile, chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultExecFile, type ExecFileFn } from '../network/bridge.js';

export interface RootfsOptions {
  exec?: ExecFileFn;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

async function baseDirs(root: string): Promise<void> {
  for (const dir of ['dev', 'proc', 'sys', 'etc', 'root', 'tmp', 'var/tmp', 'var/www', 'home']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  await chmod(join(root, 'tmp'), 0o1777);
  await chmod(join(root, 'var/tmp'), 0o1777);
  await chmod(join(root, 'root'), 0o700);
  await writeFile(join(root, 'etc/passwd'), PASSWD);
  await writeFile(join(root, 'etc/group'), GROUP);
}

/** Applet paths (`bin/sh`, `usr/sbin/httpd`, …) from `busybox --list-full`. */
export function parseAppletList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/^\/+/, ''))
    .filter((l) => l !== '' && !l.includes('..') && l !== 'bin/busybox');
}

export async function buildBusyboxRootfs(
  root: string,
  busybox = '/bin/busybox',
  options: RootfsOptions = {},
): Promise<string[]> {
  await baseDirs(root);
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const { stdout } = await (options.exec ?? defaultExecFile)(busybox, ['--list-full']);
  const applets = parseAppletList(stdout);
  for (const applet of applets) {
    await mkdir(dirname(join(root, applet)), { recursive: true });
    await symlink('/bin/busybox', join(root, applet));
  }
  return applets;
}

export async function buildPauseRootfs(root: string, catatonit = '/usr/bin/catatonit'): Promise<void> {
  for (const dir of ['dev', 'proc', 'sys', 'etc']) await mkdir(join(root, dir), { recursive: true });
  await copyFile(catatonit, join(root, 'catatonit'));
  await chmod(join(root, 'catatonit'), 0o755);
}

/** The absolute library paths in `ldd` output (`libc.so.6 => /lib/…/libc.so.6 (0x…)`, `/lib64/ld-…`). */
export function parseLddOutput(stdout: string): string[] {
  const paths: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1] && !paths.includes(m[1])) paths.push(m[1]);
  }
  return paths;
}

/**
 * A root filesystem holding host binaries at their own paths, with the shared libraries `ldd` lists
 * for them (a binary `ldd` calls static gets none).
 */
export async function buildBinariesRootfs(
  root: string,
  binaries: string[],
  options: RootfsOptions = {},
): Promise<string[]> {
  await baseDirs(root);
  const exec = options.exec ?? defaultExecFile;
  const files = new Set<string>();
  for (const binary of binaries) {
    files.add(binary);
    const libs = await exec('/usr/bin/ldd', [binary]).then(
      (r) => parseLddOutput(r.stdout),
      () => [], // "not a dynamic executable"
    );
    for (const lib of libs) files.add(lib);
  }
  for (const file of files) {
    const to = join(root, file);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(file, to); // symlinks (/lib64/ld-linux…) are copied as their target's content
    if (binaries.includes(file)) await chmod(to, 0o755);
  }
  return [...files];
}
