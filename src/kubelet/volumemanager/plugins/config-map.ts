/** configMap volumes (upstream `pkg/volume/configmap`): the keys (or items) as files, kept current. */
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { MountedVolume, VolumeHost, VolumePlugin, VolumeSpec } from '../types.js';
import { configMapBytes, DEFAULT_MODE, keysPayload } from './payload.js';
import { setUpPayload } from './writable.js';

export class ConfigMapPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~configmap';

  canSupport(v: Volume): boolean {
    return !!v.configMap;
  }

  async setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume> {
    const src = spec.volume.configMap ?? {};
    const name = src.name ?? '';
    const optional = src.optional ?? false;
    const cm = await host.objects.getConfigMap(spec.pod.metadata?.namespace ?? 'default', name);
    if (!cm && !optional) throw new Error(`configmap "${name}" not found`);
    const data = cm ? configMapBytes(cm) : new Map<string, Buffer>();
    const payload = keysPayload(data, src.items, src.defaultMode ?? DEFAULT_MODE, optional, 'configmap');
    return setUpPayload(spec, host, payload, false);
  }
}
