/**
 * `createPodLifecycle`: the pod lifecycle behind the `PodLifecycle` seam (lifecycle.ts), wired
 * in a straight line — status manager → PLEG → sync context (runtime, back-offs, reason cache)
 * → syncer → pod workers — plus housekeeping that terminates pods the runtime holds but nobody
 * asked for (after an agent restart, once the pod source had time to feed the live pods in).
 *
 * Probes: a `ProberManager` (prober/) gets every pod update; its results feed the plan (liveness
 * and startup kills) and the status (ready/started), and a changed result syncs the pod at once.
 * postStart/preStop run through the lifecycle hooks (lifecycle-hooks/) in the sync context.
 *
 * Extension points (options beyond the seam's, all with real defaults): probes (liveness and
 * startup results for the plan, readiness and startup for the status), env sources
 * (`envResolver`), back-off timings, periods, cgroup root and host IPs.
 */
import { networkInterfaces } from 'node:os';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { realClock, type PodLifecycle, type PodLifecycleOptions } from '../lifecycle.js';
import { Backoff, type BackoffOptions } from '../kuberuntime/backoff.js';
import type { ProbeResults } from '../kuberuntime/compute-pod-actions.js';
import { valueOnlyEnv, type EnvResolver } from '../kuberuntime/container-config.js';
import { ReasonCache } from '../kuberuntime/reason-cache.js';
import { podCgroupParent } from '../kuberuntime/sandbox-config.js';
import { defaultReadHostResolvConf, type PodMounts, type SyncPodContext } from '../kuberuntime/sync-pod.js';
import { GenericPLEG } from '../pleg/generic.js';
import type { ReadinessProvider, StartupProvider } from '../status/generate.js';
import { StatusManager } from '../status/status-manager.js';
import { createLifecycleHooks, HandlerRunner } from '../lifecycle-hooks/index.js';
import { ProberManager, type ContainerEventRecorder } from '../prober/index.js';
import { loggingEventRecorder } from '../events/logging.js';
import { PodWorkers } from './pod-workers.js';
import { KubeletSyncer } from './syncer.js';

export { PodWorkers, gracePeriodOf, type PodSyncer, type PodWorkState } from './pod-workers.js';

export interface PodLifecycleExtraOptions {
  /** Periodic resync of each pod (default 10 s). */
  resyncIntervalMs?: number;
  /** PLEG relist period (default 1 s). */
  relistPeriodMs?: number;
  /** Orphan housekeeping period (default 2 s) and the wait after start before the first one (default 30 s). */
  housekeepingIntervalMs?: number;
  orphanGracePeriodMs?: number;
  /** Whether every pod source delivered its pods once (default: always); no orphan is judged before. */
  sourcesReady?: () => boolean;
  /** Container restart back-off (default 10 s doubling to 5 min). */
  backoff?: BackoffOptions;
  imageBackoff?: BackoffOptions;
  /** cgroup mount root for pod cgroups (default /sys/fs/cgroup); null: no cgroup parent, no cleanup. */
  cgroupRoot?: string | null;
  /** The node's IPs (default: the host's first non-internal IPv4 addresses). */
  hostIPs?: string[];
  envResolver?: EnvResolver;
  /** Volumes and the managed /etc/hosts (volumemanager's VolumeManager); default none. */
  podMounts?: PodMounts;
  readHostResolvConf?: () => Promise<string>;
  probes?: ProbeResults;
  readiness?: ReadinessProvider;
  startup?: StartupProvider;
  /** Container events only (Unhealthy, Started, …), instead of `events.container`. */
  recordEvent?: ContainerEventRecorder;
}

export type CreatePodLifecycleOptions = PodLifecycleOptions & PodLifecycleExtraOptions;

const VIRTUAL_INTERFACE = /^(lo|cairn|cni|veth|docker|podman|br-|virbr|flannel|cali)/;

/** The host's non-internal IPv4 addresses, physical-looking interfaces first. */
export function detectHostIPs(): string[] {
  const ips: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (VIRTUAL_INTERFACE.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) ips.push(a.address);
  }
  return ips.length > 0 ? ips.slice(0, 1) : ['127.0.0.1'];
}

export function createPodLifecycle(options: CreatePodLifecycleOptions): PodLifecycle {
  const clock = options.clock ?? realClock;
  const logger = options.logger;
  const cgroupRoot = options.cgroupRoot === undefined ? '/sys/fs/cgroup' : options.cgroupRoot;
  const statusManager = new StatusManager({ updatePodStatus: options.updatePodStatus, logger, clock });
  const pleg = new GenericPLEG({
    runtime: options.runtime,
    clock,
    logger,
    ...(options.relistPeriodMs ? { relistPeriodMs: options.relistPeriodMs } : {}),
  });
  const events = options.events ?? loggingEventRecorder(logger);
  const recorder: ContainerEventRecorder =
    options.recordEvent ??
    ((pod, name, type, reason, message) => events.container(pod, name, type, reason, message));
  // probe results sync the pod: a liveness kill, or a status write with the new readiness
  const prober = new ProberManager({
    runtime: options.runtime,
    clock,
    logger,
    recorder,
    podStatus: (uid) => statusManager.get(uid),
    onResultChange: (uid) => workers.sync(uid),
  });
  const ctx: SyncPodContext = {
    runtime: options.runtime,
    rootDir: options.rootDir,
    logger,
    clock,
    backoff: new Backoff(options.backoff),
    imageBackoff: new Backoff(options.imageBackoff),
    reasons: new ReasonCache(),
    envResolver: options.envResolver ?? valueOnlyEnv,
    readHostResolvConf: options.readHostResolvConf ?? defaultReadHostResolvConf,
    clusterDNS: options.clusterDNS,
    cgroupParent: (pod: Pod) => (cgroupRoot ? podCgroupParent(pod) : null),
    podMounts: options.podMounts,
    hooks: createLifecycleHooks({
      runner: new HandlerRunner({ runtime: options.runtime, clock }),
      clock,
      logger,
      recorder,
    }),
    events: {
      pod: (pod, type, reason, message) => events.pod(pod, type, reason, message),
      container: recorder,
    },
  };
  let runtimeName = 'containerd';
  const syncer = new KubeletSyncer({
    ctx,
    pleg,
    statusManager,
    clock,
    logger,
    cgroupRoot,
    hostIPs: options.hostIPs ?? detectHostIPs(),
    runtimeName: () => runtimeName,
    probes: options.probes ?? prober,
    readiness: options.readiness ?? prober.isReady,
    startup: options.startup ?? prober.isStarted,
    deletePod: options.deletePod,
    prober,
  });
  const workers = new PodWorkers(syncer, {
    clock,
    logger,
    ...(options.resyncIntervalMs ? { resyncIntervalMs: options.resyncIntervalMs } : {}),
  });
  pleg.watch((event) => workers.sync(event.podUID));

  const housekeeping = () => {
    if (options.sourcesReady && !options.sourcesReady()) return;
    for (const uid of pleg.podUIDs()) {
      if (workers.has(uid)) continue;
      const sandbox = pleg.getStatus(uid)?.sandboxes[0];
      logger.info({ uid, pod: sandbox?.name }, 'terminating an orphaned pod');
      workers.adoptOrphan({
        metadata: { uid, name: sandbox?.name ?? '', namespace: sandbox?.namespace ?? '' },
      });
    }
  };

  return {
    update: (pod) => {
      prober.addPod(pod);
      workers.update(pod);
    },
    remove: (pod) => {
      prober.removePod(pod);
      workers.remove(pod);
    },
    async start(signal) {
      runtimeName = (await options.runtime.version()).runtime_name || runtimeName;
      workers.start();
      pleg.start(signal);
      let timer = clock.setTimeout(function tick() {
        housekeeping();
        timer = clock.setTimeout(tick, options.housekeepingIntervalMs ?? 2000);
      }, options.orphanGracePeriodMs ?? 30_000);
      signal.addEventListener(
        'abort',
        () => {
          timer.cancel();
          workers.stop();
          prober.stop();
        },
        { once: true },
      );
    },
  };
}
