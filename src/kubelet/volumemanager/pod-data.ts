/**
 * What the agent plugs into the pod lifecycle for the data pods consume: the env resolver
 * (envvars) and the volume manager (volumes + /etc/hosts), over one cached ObjectSource on the
 * agent's API client, with pod IPs read from the pod's ready sandbox.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Client } from '../../client/index.js';
import type { Logger } from '../../util/log.js';
import type { Runtime } from '../container/runtime.js';
import { createEnvResolver, type PodRuntimeInfo } from '../envvars/index.js';
import type { EnvResolver } from '../kuberuntime/container-config.js';
import { POD_UID_LABEL } from '../kuberuntime/labels.js';
import { VolumeManager } from './index.js';
import { apiObjectSource } from './object-source.js';

export interface PodDataOptions {
  client: Client;
  runtime: Runtime;
  rootDir: string;
  hostIPs: string[];
  allocatable: () => Record<string, string>;
  logger: Logger;
  clusterDomain?: string | undefined;
}

/** The pod's IPs from its ready sandbox ([] before it has one, and for hostNetwork pods' host IPs). */
export async function sandboxPodIPs(runtime: Runtime, pod: Pod): Promise<string[]> {
  const uid = pod.metadata?.uid ?? '';
  const sandboxes = await runtime.listPodSandbox({
    label_selector: { [POD_UID_LABEL]: uid },
    state: { state: 'SANDBOX_READY' },
  });
  const newest = sandboxes.sort((a, b) => Number(b.created_at) - Number(a.created_at))[0];
  if (!newest) return [];
  const net = (await runtime.podSandboxStatus(newest.id)).status?.network;
  return net?.ip ? [net.ip, ...net.additional_ips.map((a) => a.ip)] : [];
}

export function podDataOptions(o: PodDataOptions): { envResolver: EnvResolver; podMounts: VolumeManager } {
  const objects = apiObjectSource(o.client);
  const runtimeInfo = async (pod: Pod): Promise<PodRuntimeInfo> => {
    const podIPs = pod.spec?.hostNetwork ? o.hostIPs : await sandboxPodIPs(o.runtime, pod);
    return { podIPs, hostIPs: o.hostIPs };
  };
  const log = o.logger.child({ component: 'envvars' });
  return {
    envResolver: createEnvResolver({
      objects,
      allocatable: o.allocatable,
      runtimeInfo,
      onInvalidKeys: (pod, message) => log.warn({ pod: pod.metadata?.name }, message),
    }),
    podMounts: new VolumeManager({
      rootDir: o.rootDir,
      objects,
      runtimeInfo,
      allocatable: o.allocatable,
      ...(o.clusterDomain ? { clusterDomain: o.clusterDomain } : {}),
    }),
  };
}
