/**
 * A container's volume mounts as CRI mounts (upstream kubelet `makeMounts`): the volume's host
 * path (or its `subPath`/`subPathExpr` inside it, made when missing), read-only when the mount or
 * the plugin says so, and the mount propagation.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { KeyValue, Mount, MountPropagation } from '../container/runtime.js';
import { ContainerConfigError, expandVars } from '../kuberuntime/container-config.js';
import type { MountedVolume } from './types.js';

const propagation: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** A subPath must stay inside its volume: relative, no `..` element. */
export function validateSubPath(p: string): string | undefined {
  if (p.startsWith('/')) return `subPath "${p}" must be a relative path`;
  if (p.split('/').includes('..')) return `subPath "${p}" must not contain '..'`;
  return undefined;
}

function subPathOf(m: VolumeMount, envs: KeyValue[]): string {
  if (m.subPathExpr) {
    const vars = new Map(envs.map((e) => [e.key, e.value]));
    return expandVars(m.subPathExpr, vars);
  }
  return m.subPath ?? '';
}

export async function makeMounts(
  container: Container,
  volumes: Map<string, MountedVolume>,
  envs: KeyValue[],
): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const vol = volumes.get(m.name);
    if (!vol)
      throw new ContainerConfigError(
        `cannot find volume "${m.name}" to mount into container "${container.name}"`,
      );
    let hostPath = vol.hostPath;
    const sub = subPathOf(m, envs);
    if (sub) {
      const bad = validateSubPath(sub);
      if (bad) throw new ContainerConfigError(bad);
      hostPath = join(vol.hostPath, sub);
      // a missing subPath becomes a directory, as upstream (payload volumes are read-only: left alone)
      if (!vol.readOnly) await mkdir(hostPath, { recursive: true, mode: 0o750 });
    }
    const mode = m.mountPropagation ?? 'None';
    const prop = propagation[mode];
    if (!prop) throw new ContainerConfigError(`invalid mountPropagation "${mode}" for volume "${m.name}"`);
    if (prop === 'PROPAGATION_BIDIRECTIONAL' && !container.securityContext?.privileged) {
      throw new ContainerConfigError(
        `Bidirectional mount propagation is available only to privileged containers (volume "${m.name}")`,
      );
    }
    out.push({
      container_path: m.mountPath,
      host_path: hostPath,
      readonly: (m.readOnly ?? false) || vol.readOnly,
      propagation: prop,
    });
  }
  return out;
}
