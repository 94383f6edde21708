/**
 * emptyDir (upstream `pkg/volume/emptydir`): a directory that lives as long as the pod; with
 * `medium: Memory`, a tmpfs sized by `sizeLimit` when set. A disk emptyDir's sizeLimit is
 * validated only (no eviction on this node).
 */
import { mkdir, chmod } from 'node:fs/promises';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../../apimachinery/quantity.js';
import type { MountedVolume, VolumeHost, VolumePlugin, VolumeSpec } from '../types.js';

export class EmptyDirPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~empty-dir';

  canSupport(v: Volume): boolean {
    return !!v.emptyDir;
  }

  async setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume> {
    const ed = spec.volume.emptyDir ?? {};
    const size = ed.sizeLimit === undefined ? undefined : parseQuantity(ed.sizeLimit);
    if (size && size.sign() < 0) throw new Error(`sizeLimit must not be negative: ${ed.sizeLimit}`);
    await mkdir(spec.dir, { recursive: true });
    switch (ed.medium ?? '') {
      case '':
        break;
      case 'Memory':
        if (!(await host.mounter.isMountPoint(spec.dir))) {
          await host.mounter.mountTmpfs(spec.dir, size && !size.isZero() ? size.value() : undefined);
        }
        break;
      default:
        throw new Error(`unsupported emptyDir medium: ${ed.medium}`);
    }
    // world-writable like upstream's emptyDir (0777), whatever the umask made of it
    await chmod(spec.dir, 0o777);
    return { hostPath: spec.dir, readOnly: false };
  }
}
