/** secret volumes (upstream `pkg/volume/secret`): the keys (or items) as files on tmpfs, kept current. */
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { MountedVolume, VolumeHost, VolumePlugin, VolumeSpec } from '../types.js';
import { DEFAULT_MODE, keysPayload, secretBytes } from './payload.js';
import { setUpPayload } from './writable.js';

export class SecretPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~secret';

  canSupport(v: Volume): boolean {
    return !!v.secret;
  }

  async setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume> {
    const src = spec.volume.secret ?? {};
    const name = src.secretName ?? '';
    const optional = src.optional ?? false;
    const secret = await host.objects.getSecret(spec.pod.metadata?.namespace ?? 'default', name);
    if (!secret && !optional) throw new Error(`secret "${name}" not found`);
    const data = secret ? secretBytes(secret) : new Map<string, Buffer>();
    const payload = keysPayload(data, src.items, src.defaultMode ?? DEFAULT_MODE, optional, 'secret');
    return setUpPayload(spec, host, payload, true);
  }
}
