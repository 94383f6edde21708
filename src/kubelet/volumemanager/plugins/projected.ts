/**
 * projected volumes (upstream `pkg/volume/projected`): several sources — serviceAccountToken,
 * configMap, secret, downwardAPI — merged into one directory (later sources win a path), on
 * tmpfs like secrets. This is what the `kube-api-access-*` volume is.
 */
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { Payload } from '../atomic-writer.js';
import type { MountedVolume, VolumeHost, VolumePlugin, VolumeSpec } from '../types.js';
import { configMapBytes, DEFAULT_MODE, downwardAPIPayload, keysPayload, secretBytes } from './payload.js';
import { setUpPayload } from './writable.js';

/** Upstream's default lifetime for a projected token (1 h), and its minimum (10 min). */
const DEFAULT_TOKEN_SECONDS = 3600;
const MIN_TOKEN_SECONDS = 600;

export class ProjectedPlugin implements VolumePlugin {
  readonly name = 'kubernetes.io~projected';

  canSupport(v: Volume): boolean {
    return !!v.projected;
  }

  async setUp(spec: VolumeSpec, host: VolumeHost): Promise<MountedVolume> {
    const src = spec.volume.projected ?? {};
    const mode = src.defaultMode ?? DEFAULT_MODE;
    const ns = spec.pod.metadata?.namespace ?? 'default';
    const payload: Payload = new Map();
    const add = (p: Payload) => {
      for (const [k, v] of p) payload.set(k, v);
    };
    for (const s of src.sources ?? []) {
      if (s.configMap) {
        const { name = '', optional = false, items } = s.configMap;
        const cm = await host.objects.getConfigMap(ns, name);
        if (!cm && !optional) throw new Error(`configmap "${name}" not found`);
        if (cm) add(keysPayload(configMapBytes(cm), items, mode, optional, 'configmap'));
      } else if (s.secret) {
        const { name = '', optional = false, items } = s.secret;
        const secret = await host.objects.getSecret(ns, name);
        if (!secret && !optional) throw new Error(`secret "${name}" not found`);
        if (secret) add(keysPayload(secretBytes(secret), items, mode, optional, 'secret'));
      } else if (s.downwardAPI) {
        add(downwardAPIPayload(spec.pod, s.downwardAPI.items ?? [], mode, spec.info, host.allocatable()));
      } else if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        const seconds = Math.max(t.expirationSeconds ?? DEFAULT_TOKEN_SECONDS, MIN_TOKEN_SECONDS);
        const token = await host.tokens.getToken(spec.pod, t.audience ? [t.audience] : [], seconds);
        payload.set(t.path, { data: Buffer.from(token), mode });
      } else if (s.clusterTrustBundle) {
        throw new Error('projected clusterTrustBundle sources are not supported');
      }
    }
    return setUpPayload(spec, host, payload, true);
  }
}
