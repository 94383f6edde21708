/**
 * Building a volume's files from its sources (upstream `MakePayload` of the configMap, secret and
 * downwardAPI plugins, and the projected plugin's `collectData`), shared by those plugins and
 * projected volumes. Pure apart from the reads through the VolumeHost.
 */
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { containerResourceValue, podFieldValue, type PodRuntimeInfo } from '../../envvars/field-path.js';
import type { Payload } from '../atomic-writer.js';

export const DEFAULT_MODE = 0o644;

/** key → bytes of a ConfigMap (data and binaryData) or Secret (data). */
export function configMapBytes(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export function secretBytes(s: Secret): Map<string, Buffer> {
  return new Map(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

/**
 * Files for `items` (or every key when none), with modes. `what` names the object kind in the
 * error for a missing key, as upstream words it per plugin.
 */
export function keysPayload(
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  what: 'configmap' | 'secret',
): Payload {
  const out: Payload = new Map();
  if (!items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode: defaultMode });
    return out;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (!v) {
      if (optional) continue;
      throw new Error(
        `${what} references non-existent ${what === 'secret' ? 'secret ' : 'config '}key: ${item.key}`,
      );
    }
    out.set(item.path, { data: v, mode: item.mode ?? defaultMode });
  }
  return out;
}

/** Files of a downwardAPI volume (or projection). */
export function downwardAPIPayload(
  pod: Pod,
  items: DownwardAPIVolumeFile[],
  defaultMode: number,
  info: PodRuntimeInfo,
  allocatable: Record<string, string>,
): Payload {
  const out: Payload = new Map();
  for (const item of items) {
    let value: string;
    if (item.fieldRef) value = podFieldValue(pod, item.fieldRef, info, true);
    else if (item.resourceFieldRef) {
      const name = item.resourceFieldRef.containerName ?? '';
      const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
      const c = all.find((x) => x.name === name);
      if (!c) throw new Error(`container ${name} not found in pod`);
      value = containerResourceValue(item.resourceFieldRef, c, allocatable);
    } else throw new Error(`downwardAPI item ${item.path}: no fieldRef or resourceFieldRef`);
    out.set(item.path, { data: Buffer.from(value), mode: item.mode ?? defaultMode });
  }
  return out;
}
