/**
 * hostPath (upstream `pkg/volume/hostpath`): the host's path itself, after the type check:
 * `DirectoryOrCreate`/`FileOrCreate` make what is missing (a file's parent is not made), the
 * others must already be what they say; "" checks nothing (containerd makes a missing path a dir).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { MountedVolume, VolumePlugin, VolumeSpec } from '../types.js';

const exists = (p: string): Promise<Stats | undefined> => stat(p).catch(() => undefined);

const fail = (path: string, what: string): never => {
  throw new Error(`hostPath type check failed: ${path} is not a ${what}`);
};

export async function checkHostPathType(path: string, type: string): Promise<void> {
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate': {
      const st = await exists(path);
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) fail(path, 'directory');
      return;
    }
    case 'Directory':
      if (!(await exists(path))?.isDirectory()) fail(path, 'directory');
      return;
    case 'FileOrCreate': {
      const st = await exists(path);
      if (!st)
        await writeFile(path, '', { flag: 'wx', mode: 0o644 }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
      else if (!st.isFile()) fail(path, 'file');
      return;
    }
    case 'File':
      if (!(await exists(path))?.isFile()) fail(path, 'file');
      return;
    case 'Socket':
      if (!(await exists(path))?.isSocket()) fail(path, 'socket file');
      return;
    case 'CharDevice':
      if (!(await exists(path))?.isCharacterDevice()) fail(path, 'character device');
      return;
    case 'BlockDevice':
      if (!(await exists(path))?.isBlockDevice()) fail(path, 'block device');
      return;
    default:
      throw new Error(`hostPath type check failed: unsupported type ${type}`);
  }
}

export class HostPathPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~host-path';

  canSupport(v: Volume): boolean {
    return !!v.hostPath;
  }

  async setUp(spec: VolumeSpec): Promise<MountedVolume> {
    const hp = spec.volume.hostPath;
    const path = hp?.path ?? '';
    if (!path.startsWith('/')) throw new Error(`hostPath ${path} must be an absolute path`);
    await checkHostPathType(path, hp?.type ?? '');
    return { hostPath: path, readOnly: false };
  }
}
