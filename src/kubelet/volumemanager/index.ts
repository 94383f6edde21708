/**
 * The volume manager (upstream kubelet `volumemanager` + `makeMounts`), behind the sync's
 * `PodMounts` seam:
 *
 *   setUpPod(pod)              before the sandbox and on every resync: each volume's plugin sets it
 *                              up under <rootDir>/pods/<uid>/volumes/<plugin>/<name>; configMap,
 *                              secret, downwardAPI and projected contents are rewritten (atomically)
 *                              when they changed, so a resync is the refresh
 *   containerMounts(pod, c)    the container's volumeMounts as CRI mounts + the managed /etc/hosts
 *   tearDownPod(uid)           unmount (tmpfs) and forget; the pod dir itself goes with the pod cleanup
 */
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { KeyValue, Mount } from '../container/runtime.js';
import type { PodRuntimeInfo } from '../envvars/field-path.js';
import { makeHostsMount } from '../hosts/index.js';
import { podDir, podHostname } from '../kuberuntime/sandbox-config.js';
import { makeMounts } from './mounts.js';
import { noopMounter, systemMounter, unmountUnder, type Mounter } from './mounter.js';
import type { ObjectSource } from './object-source.js';
import { ConfigMapPlugin } from './plugins/config-map.js';
import { DownwardAPIPlugin } from './plugins/downward-api.js';
import { EmptyDirPlugin } from './plugins/empty-dir.js';
import { HostPathPlugin } from './plugins/host-path.js';
import { ProjectedPlugin } from './plugins/projected.js';
import { SecretPlugin } from './plugins/secret.js';
import { createTokenManager, type TokenManager } from './token-manager.js';
import { VolumeSetupError, type MountedVolume, type VolumeHost, type VolumePlugin } from './types.js';

export { apiObjectSource, TTLCache, type ObjectSource } from './object-source.js';
export { noopMounter, systemMounter, unmountUnder, type Mounter } from './mounter.js';
export { createTokenManager, type TokenManager } from './token-manager.js';
export { VolumeSetupError, type MountedVolume, type VolumePlugin } from './types.js';
export { writeAtomic } from './atomic-writer.js';

export const builtinVolumePlugins = (): VolumePlugin[] => [
  new EmptyDirPlugin(),
  new HostPathPlugin(),
  new ConfigMapPlugin(),
  new SecretPlugin(),
  new DownwardAPIPlugin(),
  new ProjectedPlugin(),
];

export interface VolumeManagerOptions {
  rootDir: string;
  objects: ObjectSource;
  /** Pod and host IPs (downward API, /etc/hosts). */
  runtimeInfo: (pod: Pod) => Promise<PodRuntimeInfo> | PodRuntimeInfo;
  allocatable?: () => Record<string, string>;
  /** default: the system's mount(8) when root, else none (tmpfs becomes a plain dir). */
  mounter?: Mounter;
  tokens?: TokenManager;
  /** Secret and projected volumes on tmpfs (default: when the mounter is the system's). */
  memoryBackedSecrets?: boolean;
  plugins?: VolumePlugin[];
  clusterDomain?: string;
  /**
   * How long a pod's first setup keeps retrying a failing volume before giving up until the next
   * sync (default 5 s; upstream waits for its mounts up to ~2 min). Refreshes never wait.
   */
  firstMountTimeoutMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const STALE_MS = 10 * 60_000;

export const volumesDir = (rootDir: string, uid: string): string => join(podDir(rootDir, uid), 'volumes');

export class VolumeManager {
  private readonly host: VolumeHost;
  private readonly plugins: VolumePlugin[];
  /** Per pod uid: its volumes as last set up, and when (entries of pods gone are pruned). */
  private readonly mounted = new Map<string, { at: number; volumes: Map<string, MountedVolume> }>();

  constructor(private readonly o: VolumeManagerOptions) {
    const mounter = o.mounter ?? (process.getuid?.() === 0 ? systemMounter : noopMounter);
    this.host = {
      objects: o.objects,
      mounter,
      tokens: o.tokens ?? createTokenManager(o.objects),
      allocatable: o.allocatable ?? (() => ({})),
      memoryBackedSecrets: o.memoryBackedSecrets ?? mounter === systemMounter,
      now: o.now ?? (() => new Date()),
    };
    this.plugins = o.plugins ?? builtinVolumePlugins();
  }

  /** Sets up (or refreshes) every volume of the pod; throws VolumeSetupError for the first that fails. */
  async setUpPod(pod: Pod): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata?.uid ?? '';
    if (this.mounted.has(uid)) return this.setUpOnce(pod);
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = this.host.now().getTime() + (this.o.firstMountTimeoutMs ?? 5000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      try {
        return await this.setUpOnce(pod);
      } catch (err) {
        // e.g. a ConfigMap made right after the pod, or kube-root-ca.crt not yet published
        if (!(err instanceof VolumeSetupError) || this.host.now().getTime() + delay > deadline) throw err;
        await sleep(delay);
      }
    }
  }

  private async setUpOnce(pod: Pod): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata?.uid ?? '';
    const info = await this.o.runtimeInfo(pod);
    const out = new Map<string, MountedVolume>();
    for (const volume of pod.spec?.volumes ?? []) {
      const plugin = this.plugins.find((p) => p.canSupport(volume));
      if (!plugin)
        throw new VolumeSetupError(volume.name, 'unsupported volume type (no volume plugin on this node)');
      const dir = join(volumesDir(this.o.rootDir, uid), plugin.name, volume.name);
      try {
        out.set(volume.name, await plugin.setUp({ pod, volume, dir, info }, this.host));
      } catch (err) {
        throw new VolumeSetupError(volume.name, (err as Error).message);
      }
    }
    const now = this.host.now().getTime();
    this.mounted.set(uid, { at: now, volumes: out });
    // live pods are set up again on every resync: older entries belong to pods that are gone
    for (const [k, v] of this.mounted) if (now - v.at > STALE_MS) this.mounted.delete(k);
    return out;
  }

  /** The container's CRI mounts: its volumeMounts, then the managed /etc/hosts. */
  async containerMounts(pod: Pod, container: Container, envs: KeyValue[]): Promise<Mount[]> {
    const uid = pod.metadata?.uid ?? '';
    const volumes = this.mounted.get(uid)?.volumes ?? (await this.setUpPod(pod));
    const mounts = await makeMounts(container, volumes, envs);
    const info = await this.o.runtimeInfo(pod);
    const hosts = await makeHostsMount(
      podDir(this.o.rootDir, uid),
      {
        pod,
        podIPs: info.podIPs,
        hostname: podHostname(pod),
        ...(this.o.clusterDomain ? { clusterDomain: this.o.clusterDomain } : {}),
      },
      container,
    );
    if (hosts) mounts.push(hosts);
    return mounts;
  }

  /** Unmounts the pod's volumes and forgets it (its dir is removed by the pod cleanup). */
  async tearDownPod(uid: string): Promise<void> {
    this.mounted.delete(uid);
    this.host.tokens.forgetPod(uid);
    await unmountUnder(volumesDir(this.o.rootDir, uid), this.host.mounter);
  }
}
