/** The write side shared by the payload plugins: the dir (tmpfs for secrets), then an atomic write. */
import { mkdir } from 'node:fs/promises';
import { writeAtomic, type Payload } from '../atomic-writer.js';
import type { MountedVolume, VolumeHost, VolumeSpec } from '../types.js';

export async function setUpPayload(
  spec: VolumeSpec,
  host: VolumeHost,
  payload: Payload,
  memoryBacked: boolean,
): Promise<MountedVolume> {
  await mkdir(spec.dir, { recursive: true, mode: 0o755 });
  if (memoryBacked && host.memoryBackedSecrets && !(await host.mounter.isMountPoint(spec.dir))) {
    await host.mounter.mountTmpfs(spec.dir);
  }
  await writeAtomic(spec.dir, payload, host.now());
  return { hostPath: spec.dir, readOnly: true };
}
