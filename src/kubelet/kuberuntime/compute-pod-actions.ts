/**
 * The plan half of a pod sync (upstream kuberuntime `computePodActions`): from the desired pod
 * and what the runtime has, decide whether to kill everything, (re)create the sandbox, which
 * init container runs next, which containers to start and which to kill, and which are held
 * back by CrashLoopBackOff. Pure: the clock's `now`, the back-off table (read only) and the
 * probe results are inputs; `executeSyncPod` carries the plan out.
 *
 * Init containers run one at a time, in order, each to completion; sidecars (init containers
 * with restartPolicy Always) start in order and must be started before the next one; regular
 * containers start only once every init container succeeded. A failed init container under
 * restartPolicy Never fails the pod (killPod, nothing started); so does a pod past its
 * activeDeadlineSeconds.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration, type Backoff } from './backoff.js';
import { ephemeralContainersToStart } from './ephemeral.js';
import { containerHash, isSidecar, type ContainerKind } from './labels.js';
import { latestByName, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime-pod-status.js';

export interface ContainerToStart {
  kind: ContainerKind;
  /** Index into spec.initContainers (init, sidecar) or spec.containers (regular). */
  index: number;
  name: string;
  /** The instance this one replaces; the executor records the back-off against its exit. */
  previous: RuntimeContainerStatus | null;
  backoffKey: string;
  /** An ephemeral container (`index` into spec.ephemeralContainers): started once, never restarted. */
  ephemeral?: boolean;
}

export interface ContainerToKill {
  containerID: string;
  name: string;
  /** Why, for the Killing event (`Container spec hash changed`, `Unhealthy`, …). */
  reason: string;
  message: string;
  /** A probe's own terminationGracePeriodSeconds (liveness/startup kills); else the pod's applies. */
  gracePeriodSeconds?: number;
}

export interface ContainerInBackOff {
  name: string;
  kind: ContainerKind;
  /** `back-off 10s restarting failed container=… pod=…` (the CrashLoopBackOff message). */
  message: string;
  retryAt: Date;
}

export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  /** The sandbox to use when not creating one. */
  sandboxID: string;
  /** Attempt number of the sandbox to create. */
  attempt: number;
  /** The regular init container started by this plan, if any. */
  nextInitContainerToStart: string | null;
  initContainersToStart: ContainerToStart[];
  containersToStart: ContainerToStart[];
  containersToKill: ContainerToKill[];
  containersInBackOff: ContainerInBackOff[];
  /** An init container failed under restartPolicy Never: the pod is Failed. */
  initFailed: boolean;
  /** Ephemeral containers to start in the existing sandbox (ephemeral.ts); absent: none. */
  ephemeralContainersToStart?: ContainerToStart[];
}

/** Probe results the plan reacts to (the prober fills these later; default: alive and started). */
export interface ProbeResults {
  isLive(uid: string, name: string, containerID: string): boolean;
  isStarted(uid: string, name: string, containerID: string): boolean;
  /** The container failed its startup probe: kill it (absent: never). */
  startupFailed?(uid: string, name: string, containerID: string): boolean;
}

export const noProbes: ProbeResults = { isLive: () => true, isStarted: () => true };

export const backoffKey = (pod: Pod, c: Container): string =>
  `${pod.metadata?.uid ?? ''}/${c.name}/${containerHash(c)}`;

export const podDescription = (pod: Pod): string =>
  `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;

/** Whether a container that is not running should run again (upstream `ShouldContainerBeRestarted`). */
export function shouldContainerBeRestarted(pod: Pod, latest: RuntimeContainerStatus | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest || latest.state === 'created' || latest.state === 'unknown') return true;
  if (latest.state === 'running') return false;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return latest.exitCode !== 0;
  return true;
}

function sandboxNeedsCreate(pod: Pod, status: RuntimePodStatus): boolean {
  const sandbox = status.sandboxes[0];
  if (!sandbox || !sandbox.ready) return true;
  const hostNetwork = pod.spec?.hostNetwork ?? false;
  if (sandbox.hostNetwork !== hostNetwork) return true;
  return !hostNetwork && sandbox.ips.length === 0;
}

export function computePodActions(
  pod: Pod,
  status: RuntimePodStatus,
  now: Date,
  backoff: Backoff,
  probes: ProbeResults = noProbes,
  pastActiveDeadline = false,
): PodActions {
  const uid = pod.metadata?.uid ?? '';
  const initContainers = pod.spec?.initContainers ?? [];
  const containers = pod.spec?.containers ?? [];
  const sandbox = status.sandboxes[0];
  const actions: PodActions = {
    killPod: false,
    createSandbox: false,
    sandboxID: sandbox?.id ?? '',
    attempt: sandbox ? sandbox.attempt + 1 : 0,
    nextInitContainerToStart: null,
    initContainersToStart: [],
    containersToStart: [],
    containersToKill: [],
    containersInBackOff: [],
    initFailed: false,
  };

  const start = (
    kind: ContainerKind,
    index: number,
    c: Container,
    previous: RuntimeContainerStatus | undefined,
  ) => {
    const key = backoffKey(pod, c);
    const finishedAt = previous?.state === 'exited' ? previous.finishedAt : null;
    if (finishedAt && backoff.isInBackOffSince(key, finishedAt, now)) {
      const delay = backoff.get(key);
      actions.containersInBackOff.push({
        name: c.name,
        kind,
        message: `back-off ${formatGoDuration(delay)} restarting failed container=${c.name} pod=${podDescription(pod)}`,
        retryAt: new Date(finishedAt.getTime() + delay),
      });
      return;
    }
    const entry = { kind, index, name: c.name, previous: previous ?? null, backoffKey: key };
    (kind === 'regular' ? actions.containersToStart : actions.initContainersToStart).push(entry);
    if (kind === 'init') actions.nextInitContainerToStart = c.name;
  };
  // past spec.activeDeadlineSeconds (active-deadline.ts): everything stops, nothing starts
  if (pastActiveDeadline) {
    actions.killPod = sandbox !== undefined;
    return actions;
  }
  const kill = (c: RuntimeContainerStatus, reason: string, message: string, gracePeriodSeconds?: number) =>
    actions.containersToKill.push({
      containerID: c.id,
      name: c.name,
      reason,
      message,
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
  /** Liveness or startup probe failed (upstream: killed, restarted unless restartPolicy Never). */
  const unhealthy = (c: Container, latest: RuntimeContainerStatus): boolean => {
    const probe = !probes.isLive(uid, c.name, latest.id)
      ? { kind: 'liveness', spec: c.livenessProbe }
      : probes.startupFailed?.(uid, c.name, latest.id)
        ? { kind: 'startup', spec: c.startupProbe }
        : null;
    if (!probe) return false;
    const restart = pod.spec?.restartPolicy !== 'Never';
    const message = `Container ${c.name} failed ${probe.kind} probe${restart ? ', will be restarted' : ''}`;
    kill(latest, 'Unhealthy', message, probe.spec?.terminationGracePeriodSeconds);
    return true;
  };

  if (sandboxNeedsCreate(pod, status)) {
    actions.killPod = sandbox !== undefined;
    actions.sandboxID = '';
    // a Never pod whose containers already ran in a lost sandbox is not run again
    if (pod.spec?.restartPolicy === 'Never' && sandbox && status.containers.length > 0) {
      actions.killPod = true;
      return actions;
    }
    actions.createSandbox = true;
    const first = initContainers[0];
    if (first) {
      start(isSidecar(first) ? 'sidecar' : 'init', 0, first, undefined);
      return actions;
    }
    containers.forEach((c, i) => {
      const latest = latestByName(status, c.name);
      if (shouldContainerBeRestarted(pod, latest)) start('regular', i, c, latest);
    });
    return actions;
  }

  // ephemeral containers start in the running sandbox, whatever the init containers' progress
  const ephemeral = ephemeralContainersToStart(pod, status);
  if (ephemeral.length) actions.ephemeralContainersToStart = ephemeral;

  // init containers: in order, one regular init container at a time
  const ranBefore = containers.some((c) => latestByName(status, c.name) !== undefined);
  let initialized = true;
  for (const [i, c] of initContainers.entries()) {
    const latest = latestByName(status, c.name);
    if (isSidecar(c)) {
      if (latest?.state === 'running') {
        if (probes.isStarted(uid, c.name, latest.id) || ranBefore) continue;
        initialized = false;
        break;
      }
      if (latest && latest.state !== 'exited')
        kill(latest, 'Unknown', `Container ${c.name} is in an unknown state`);
      start('sidecar', i, c, latest);
      if (ranBefore) continue;
      initialized = false;
      break;
    }
    if (!latest) {
      if (ranBefore) continue;
      start('init', i, c, undefined);
      initialized = false;
      break;
    }
    if (latest.state === 'exited' && latest.exitCode === 0) continue;
    initialized = false;
    if (latest.state === 'running') break;
    if (latest.state === 'exited' && pod.spec?.restartPolicy === 'Never') {
      actions.initFailed = true;
      actions.killPod = true;
      return actions;
    }
    if (latest.state !== 'exited') kill(latest, 'Unknown', `Container ${c.name} is in an unknown state`);
    start('init', i, c, latest);
    break;
  }
  if (!initialized) return actions;

  let keep = 0;
  for (const [i, c] of containers.entries()) {
    const latest = latestByName(status, c.name);
    if (latest?.state === 'running') {
      if (latest.hash !== containerHash(c)) {
        kill(
          latest,
          'Container spec hash changed',
          `Container ${c.name} definition changed, will be restarted`,
        );
        start('regular', i, c, undefined);
      } else if (unhealthy(c, latest)) {
        if (pod.spec?.restartPolicy !== 'Never') start('regular', i, c, undefined);
      } else {
        keep++;
      }
      continue;
    }
    if (!shouldContainerBeRestarted(pod, latest)) continue;
    if (latest && latest.state !== 'exited')
      kill(latest, 'Unknown', `Container ${c.name} is in an unknown state`);
    start('regular', i, c, latest);
  }
  // nothing runs and nothing will: stop the sandbox (and sidecars) too
  if (keep === 0 && actions.containersToStart.length === 0 && actions.containersInBackOff.length === 0) {
    actions.killPod = true;
  }
  return actions;
}

/** Whether carrying the plan out changes anything. */
export const isNoop = (a: PodActions): boolean =>
  !a.killPod &&
  !a.createSandbox &&
  a.initContainersToStart.length === 0 &&
  a.containersToStart.length === 0 &&
  a.containersToKill.length === 0 &&
  !a.ephemeralContainersToStart?.length;
