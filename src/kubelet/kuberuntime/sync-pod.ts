/**
 * The execute half of a pod sync (upstream kuberuntime `SyncPod`/`KillPod`), thin on purpose:
 * carry out a `PodActions` plan in order — kill (the pod, or single containers), create the
 * sandbox, start the next init container/sidecars, start regular containers — recording start
 * failures in the reason cache for the status (ErrImagePull, CreateContainerError, …) and the
 * restart back-off. Every step talks to the runtime only through the Runtime interface.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import * as ev from '../events/reasons.js';
import type { EventType, PodEventRecorder } from '../events/reasons.js';
import type { LifecycleHooks } from '../lifecycle-hooks/index.js';
import type { KeyValue, Mount, PodSandboxConfig, Runtime } from '../container/runtime.js';
import type { Backoff } from './backoff.js';
import { podDescription, type ContainerToStart, type PodActions } from './compute-pod-actions.js';
import { ContainerConfigError, generateContainerConfig, type EnvResolver } from './container-config.js';
import { ephemeralTargetID } from './ephemeral.js';
import { criErrorString, ensureImageExists } from './image-manager.js';
import { checkRunAsNonRoot } from './security-context.js';
import { latestByName, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime-pod-status.js';
import type { ReasonCache } from './reason-cache.js';
import { generatePodSandboxConfig, podDir, podLogDir, type ClusterDNS } from './sandbox-config.js';

/**
 * Volumes and the managed /etc/hosts (volumemanager): set up before the sandbox and on every
 * sync (which refreshes configMap/secret contents), mounted into each container.
 */
export interface PodMounts {
  /** Throws (upstream FailedMount) to hold the pod in ContainerCreating until a later sync. */
  setUpPod(pod: Pod): Promise<unknown>;
  /** May throw ContainerConfigError (CreateContainerConfigError). */
  containerMounts(pod: Pod, container: Container, envs: KeyValue[]): Promise<Mount[]>;
}

export interface SyncPodContext {
  runtime: Runtime;
  rootDir: string;
  logger: Logger;
  clock: Clock;
  /** Container restart back-off (CrashLoopBackOff). */
  backoff: Backoff;
  /** Image pull back-off (ImagePullBackOff). */
  imageBackoff: Backoff;
  reasons: ReasonCache;
  envResolver: EnvResolver;
  readHostResolvConf: () => Promise<string>;
  clusterDNS?: ClusterDNS | undefined;
  /** The pod's cgroup parent, or null to leave it to the runtime. */
  cgroupParent: (pod: Pod) => string | null;
  /** Volumes and /etc/hosts; absent: containers get neither. */
  podMounts?: PodMounts | undefined;
  /** postStart/preStop hooks; absent: hooks are not run. */
  hooks?: LifecycleHooks | undefined;
  /** Events about the pod and its containers (Pulled, Created, Started, Killing, …); absent: none. */
  events?: PodEventRecorder | undefined;
}

export interface SyncPodResult {
  /** Something was created, started or killed: the runtime state moved. */
  changed: boolean;
  sandboxID: string;
}

export const defaultReadHostResolvConf = (): Promise<string> =>
  readFile('/etc/resolv.conf', 'utf8').catch(() => '');

async function sandboxConfigFor(ctx: SyncPodContext, pod: Pod, attempt: number): Promise<PodSandboxConfig> {
  return generatePodSandboxConfig({
    pod,
    attempt,
    rootDir: ctx.rootDir,
    hostResolvConf: await ctx.readHostResolvConf(),
    clusterDNS: ctx.clusterDNS,
    cgroupParent: ctx.cgroupParent(pod),
  });
}

const containerSpec = (pod: Pod | null, name: string): Container | undefined =>
  pod?.spec?.containers?.find((c) => c.name === name) ??
  pod?.spec?.initContainers?.find((c) => c.name === name);

/**
 * StopContainer, after the container's preStop hook (a running container, within the grace
 * period), with a Killing event (`message`, default `Stopping container <name>`).
 */
async function stopContainer(
  ctx: SyncPodContext,
  pod: Pod | null,
  c: Pick<RuntimeContainerStatus, 'id' | 'name' | 'sandboxId' | 'state'>,
  gracePeriodSeconds: number,
  message = `Stopping container ${c.name}`,
): Promise<void> {
  let grace = gracePeriodSeconds;
  const spec = containerSpec(pod, c.name);
  if (pod && spec && c.state === 'running')
    ctx.events?.container(pod, c.name, 'Normal', ev.KILLING_CONTAINER, message);
  if (ctx.hooks && pod && spec?.lifecycle?.preStop && c.state === 'running') {
    const target = { pod, container: spec, containerID: c.id, sandboxID: c.sandboxId };
    grace = await ctx.hooks.preStop(target, gracePeriodSeconds);
  }
  await ctx.runtime.stopContainer(c.id, grace);
}

/** Stops every container of the pod (regular ones first, then sidecars and init containers) and its sandboxes. */
export async function killPod(
  ctx: SyncPodContext,
  pod: Pod | null,
  status: RuntimePodStatus,
  gracePeriodSeconds: number,
): Promise<void> {
  const live = status.containers.filter((c) => c.state !== 'exited');
  const stop = async (c: RuntimeContainerStatus) => {
    try {
      await stopContainer(ctx, pod, c, gracePeriodSeconds);
    } catch (err) {
      ctx.logger.warn({ err, container: c.id, pod: pod?.metadata?.name }, 'stopping container failed');
    }
  };
  await Promise.all(live.filter((c) => c.kind === 'regular').map((c) => stop(c)));
  for (const c of live.filter((c) => c.kind !== 'regular')) await stop(c);
  for (const s of status.sandboxes.filter((s) => s.ready)) await ctx.runtime.stopPodSandbox(s.id);
}

async function startContainer(
  ctx: SyncPodContext,
  pod: Pod,
  status: RuntimePodStatus,
  sandboxID: string,
  sandboxConfig: PodSandboxConfig,
  target: ContainerToStart,
): Promise<boolean> {
  const uid = pod.metadata?.uid ?? '';
  const list = target.ephemeral
    ? pod.spec?.ephemeralContainers
    : target.kind === 'regular'
      ? pod.spec?.containers
      : pod.spec?.initContainers;
  const container: Container | undefined = list?.[target.index];
  if (!container) return false;
  const event = (type: EventType, reason: string, message: string) =>
    ctx.events?.container(pod, container.name, type, reason, message);
  /** Holds the start back with the reason for the status, and a Failed event (`Error: …`). */
  const fail = (reason: string, message: string, eventMessage = message) => {
    event('Warning', ev.FAILED_TO_START_CONTAINER, `Error: ${eventMessage}`);
    ctx.reasons.set(uid, container.name, { reason, message });
    ctx.logger.info(
      { pod: pod.metadata?.name, container: container.name, reason, message },
      'container start failed',
    );
    return false;
  };
  const image = await ensureImageExists(ctx.runtime, pod, container, ctx.imageBackoff, ctx.clock, event);
  if (!image.ok) return fail(image.reason, image.message, image.reason);
  const nonRoot = await checkRunAsNonRoot(ctx.runtime, pod, container, image.imageRef);
  if (nonRoot) return fail('CreateContainerConfigError', nonRoot);
  const latest = latestByName(status, container.name);
  const restartCount = latest ? latest.restartCount + 1 : 0;
  let envs;
  try {
    envs = await ctx.envResolver(pod, container);
  } catch (err) {
    if (err instanceof ContainerConfigError) return fail(err.reason, err.message);
    throw err;
  }
  let mounts: Mount[] = [];
  try {
    if (ctx.podMounts) mounts = await ctx.podMounts.containerMounts(pod, container, envs);
  } catch (err) {
    if (err instanceof ContainerConfigError) return fail(err.reason, err.message);
    throw err;
  }
  const containerDir = join(podDir(ctx.rootDir, uid), 'containers', container.name);
  const terminationFile = join(containerDir, randomBytes(4).toString('hex'));
  await mkdir(containerDir, { recursive: true });
  await writeFile(terminationFile, '', { mode: 0o666 });
  await mkdir(join(podLogDir(ctx.rootDir, pod), container.name), { recursive: true });
  const config = generateContainerConfig({
    pod,
    container,
    kind: target.kind,
    restartCount,
    imageRef: image.imageRef,
    envs,
    terminationMessageHostPath: terminationFile,
    mounts,
    targetContainerID: target.ephemeral ? ephemeralTargetID(pod, container.name, status) : undefined,
  });
  if (target.previous?.finishedAt) ctx.backoff.next(target.backoffKey, target.previous.finishedAt);
  let id: string;
  try {
    id = await ctx.runtime.createContainer(sandboxID, config, sandboxConfig);
  } catch (err) {
    return fail('CreateContainerError', (err as Error).message);
  }
  event('Normal', ev.CREATED_CONTAINER, `Created container: ${container.name}`);
  try {
    await ctx.runtime.startContainer(id);
  } catch (err) {
    return fail('RunContainerError', (err as Error).message);
  }
  event('Normal', ev.STARTED_CONTAINER, `Started container ${container.name}`);
  // the container counts as started only once its postStart hook finished (upstream)
  const hookFailure = ctx.hooks
    ? await ctx.hooks.postStart({ pod, container, containerID: id, sandboxID })
    : null;
  if (hookFailure !== null) {
    ctx.logger.info({ pod: pod.metadata?.name, container: container.name }, 'killing: FailedPostStartHook');
    const running = { id, name: container.name, sandboxId: sandboxID, state: 'running' as const };
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    await stopContainer(ctx, pod, running, grace, 'FailedPostStartHook').catch((err: unknown) =>
      ctx.logger.warn({ err, container: id }, 'stopping container failed'),
    );
    return fail('PostStartHookError', hookFailure);
  }
  ctx.reasons.delete(uid, container.name);
  return true;
}

/** Carries out the plan. Expected failures end up in the reason cache; runtime outages throw. */
export async function executeSyncPod(
  ctx: SyncPodContext,
  pod: Pod,
  status: RuntimePodStatus,
  actions: PodActions,
): Promise<SyncPodResult> {
  const uid = pod.metadata?.uid ?? '';
  let changed = false;
  let sandboxID = actions.sandboxID;
  for (const b of actions.containersInBackOff) {
    ctx.reasons.set(uid, b.name, { reason: 'CrashLoopBackOff', message: b.message });
    const message = `Back-off restarting failed container ${b.name} in pod ${podDescription(pod)}`;
    ctx.events?.container(pod, b.name, 'Warning', ev.BACK_OFF_START_CONTAINER, message);
  }
  if (actions.killPod) {
    if (actions.createSandbox && status.sandboxes.length > 0)
      ctx.events?.pod(
        pod,
        'Normal',
        ev.SANDBOX_CHANGED,
        'Pod sandbox changed, it will be killed and re-created.',
      );
    await killPod(ctx, pod, status, pod.spec?.terminationGracePeriodSeconds ?? 30);
    // killing alone does not call for an immediate resync: the PLEG reports what died
    if (!actions.createSandbox) return { changed: false, sandboxID };
    changed = true;
  } else {
    for (const k of actions.containersToKill) {
      ctx.logger.info({ pod: pod.metadata?.name, container: k.name, reason: k.reason }, k.message);
      const c = status.containers.find((x) => x.id === k.containerID);
      const grace = k.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      if (c) await stopContainer(ctx, pod, c, grace, k.message);
      else await ctx.runtime.stopContainer(k.containerID, grace);
      changed = true;
    }
  }
  if (ctx.podMounts) {
    try {
      await ctx.podMounts.setUpPod(pod);
    } catch (err) {
      // a FailedMount event; the pod stays ContainerCreating and the next sync tries again
      ctx.logger.warn({ pod: pod.metadata?.name, err: (err as Error).message }, 'volume setup failed');
      ctx.events?.pod(pod, 'Warning', ev.FAILED_MOUNT_VOLUME, (err as Error).message);
      return { changed, sandboxID };
    }
  }
  const sandboxConfig = await sandboxConfigFor(ctx, pod, actions.attempt);
  if (actions.createSandbox) {
    await mkdir(podLogDir(ctx.rootDir, pod), { recursive: true });
    await mkdir(podDir(ctx.rootDir, uid), { recursive: true });
    try {
      sandboxID = await ctx.runtime.runPodSandbox(sandboxConfig);
    } catch (err) {
      const message = `Failed to create pod sandbox: ${criErrorString(err)}`;
      ctx.events?.pod(pod, 'Warning', ev.FAILED_CREATE_POD_SANDBOX, message);
      throw err;
    }
    changed = true;
  } else {
    // CreateContainer wants the sandbox's config: the attempt is the one it was created with
    sandboxConfig.metadata.attempt = actions.attempt - 1;
  }
  for (const target of actions.initContainersToStart) {
    if (!(await startContainer(ctx, pod, status, sandboxID, sandboxConfig, target))) {
      return { changed, sandboxID };
    }
    changed = true;
  }
  for (const target of actions.containersToStart) {
    if (await startContainer(ctx, pod, status, sandboxID, sandboxConfig, target)) changed = true;
  }
  for (const target of actions.ephemeralContainersToStart ?? []) {
    if (await startContainer(ctx, pod, status, sandboxID, sandboxConfig, target)) changed = true;
  }
  return { changed, sandboxID };
}
