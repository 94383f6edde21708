/** downwardAPI volumes (upstream `pkg/volume/downwardapi`): pod fields and container resources as files. */
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { MountedVolume, VolumeHost, VolumePlugin, VolumeSpec } from '../types.js';
import { DEFAULT_MODE, downwardAPIPayload } from './payload.js';
import { setUpPayload } from './writable.js';

export class DownwardAPIPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~downward-api';

  canSupport(v: Volume): boolean {
    return !!v.downwardAPI;
  }

  async setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume> {
    const src = spec.volume.downwardAPI ?? {};
    const payload = downwardAPIPayload(
      spec.pod,
      src.items ?? [],
      src.defaultMode ?? DEFAULT_MODE,
      spec.info,
      host.allocatable(),
    );
    return setUpPayload(spec, host, payload, false);
  }
}
