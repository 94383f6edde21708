/**
 * The API status of a pod from its spec and the runtime's view (upstream kubelet
 * `generateAPIPodStatus` + `convertToAPIContainerStatuses`): container states with reasons,
 * lastState, restartCount, ready/started, image/imageID/containerID, then phase, conditions,
 * IPs and startTime. Pure; readiness and startup come from providers (probes plug in there).
 *
 * Container state per spec container: no runtime record → Waiting ContainerCreating (regular
 * containers of a pod with init containers: PodInitializing) unless a start failure is cached
 * (ErrImagePull, …); running → Running; exited → Terminated, or Waiting with the cached reason
 * (CrashLoopBackOff) and the exit as lastState when it will be restarted.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { shouldContainerBeRestarted } from '../kuberuntime/compute-pod-actions.js';
import type { ReasonCache } from '../kuberuntime/reason-cache.js';
import {
  latestByName,
  previousByName,
  type RuntimeContainerStatus,
  type RuntimePodStatus,
} from '../kuberuntime/runtime-pod-status.js';
import {
  containersReadyCondition,
  initializedCondition,
  OWNED_CONDITIONS,
  readyCondition,
  rfc3339,
  withTransitionTimes,
} from './conditions.js';
import {
  DEADLINE_EXCEEDED_MESSAGE,
  DEADLINE_EXCEEDED_REASON,
  pastActiveDeadline,
} from '../active-deadline.js';
import { getPhase, isTerminalPhase } from './phase.js';

/** Whether a running container is ready (readiness probes later; default: running = ready). */
export type ReadinessProvider = (uid: string, name: string, containerID: string) => boolean;
/** Whether a running container has started (startup probes later; default: yes). */
export type StartupProvider = (uid: string, name: string, containerID: string) => boolean;

export interface GenerateStatusInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  reasons: ReasonCache;
  /** `containerd`, `sim`: the containerID scheme. */
  runtimeName: string;
  hostIPs: string[];
  now: Date;
  /** The pod is shut down for good: nothing restarts. */
  podIsTerminal: boolean;
  /** What this agent last computed (startTime, IPs, transition times survive). */
  previous?: PodStatus | undefined;
  readiness?: ReadinessProvider;
  startup?: StartupProvider;
}

const always = () => true;

export function terminatedState(c: RuntimeContainerStatus, runtimeName: string): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt ? { startedAt: rfc3339(c.startedAt) } : {}),
      ...(c.finishedAt ? { finishedAt: rfc3339(c.finishedAt) } : {}),
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function containerStatus(
  input: GenerateStatusInput,
  container: Container,
  defaultReason: string,
  willRestart: (latest: RuntimeContainerStatus) => boolean,
): ContainerStatus {
  const { pod, runtime, runtimeName } = input;
  const uid = pod.metadata?.uid ?? '';
  const latest = latestByName(runtime, container.name);
  const cached = input.reasons.get(uid, container.name);
  const status: ContainerStatus = {
    name: container.name,
    image: container.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: defaultReason } },
  };
  if (!latest) {
    if (cached) status.state = { waiting: { reason: cached.reason, message: cached.message } };
    return status;
  }
  const id = `${runtimeName}://${latest.id}`;
  status.containerID = id;
  status.imageID = latest.imageRef;
  status.restartCount = latest.restartCount;
  const previous = previousByName(runtime, container.name);
  if (previous?.state === 'exited') status.lastState = terminatedState(previous, runtimeName);
  switch (latest.state) {
    case 'running':
      status.state = { running: { startedAt: rfc3339(latest.startedAt ?? latest.createdAt) } };
      status.started = (input.startup ?? always)(uid, container.name, latest.id);
      status.ready = status.started && (input.readiness ?? always)(uid, container.name, latest.id);
      break;
    case 'exited':
      status.state = terminatedState(latest, runtimeName);
      if (cached && !input.podIsTerminal && willRestart(latest)) {
        status.lastState = status.state;
        status.state = { waiting: { reason: cached.reason, message: cached.message } };
      }
      break;
    case 'created':
    case 'unknown':
      status.state = {
        waiting: {
          reason: cached?.reason ?? 'ContainerCreating',
          ...(cached ? { message: cached.message } : {}),
        },
      };
      break;
  }
  return status;
}

export function generateAPIPodStatus(input: GenerateStatusInput): PodStatus {
  const { pod, runtime, now } = input;
  const initContainers = pod.spec?.initContainers ?? [];
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const initWillRestart = (c: Container) => (latest: RuntimeContainerStatus) =>
    c.restartPolicy === 'Always' || (policy !== 'Never' && latest.exitCode !== 0);
  const initStatuses = initContainers.map((c) =>
    containerStatus(input, c, 'ContainerCreating', initWillRestart(c)),
  );
  const regularDefault = initContainers.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const statuses = (pod.spec?.containers ?? []).map((c) =>
    containerStatus(input, c, regularDefault, (latest) => shouldContainerBeRestarted(pod, latest)),
  );
  // ephemeral containers: never restarted, never ready, left out of the phase and conditions
  const ephemeralStatuses = (pod.spec?.ephemeralContainers ?? []).map((c) => ({
    ...containerStatus(input, c, 'ContainerCreating', () => false),
    ready: false,
  }));
  let phase = getPhase(pod, initStatuses, statuses, input.podIsTerminal);
  // a pod shut down for good (deleted, or done) ends in a terminal phase, Failed unless it succeeded
  if (input.podIsTerminal && phase !== 'Succeeded') phase = 'Failed';
  const startTime = input.previous?.startTime ?? pod.status?.startTime ?? rfc3339(now);
  // past spec.activeDeadlineSeconds: Failed, DeadlineExceeded (kept once given; a pod that
  // finished before its deadline keeps its phase)
  const deadlineExceeded =
    (input.previous?.reason ?? pod.status?.reason) === DEADLINE_EXCEEDED_REASON ||
    (!isTerminalPhase(input.previous?.phase) && pastActiveDeadline(pod, startTime, now));
  if (deadlineExceeded) phase = 'Failed';

  const apiConditions = pod.status?.conditions ?? [];
  const others = apiConditions.filter((c) => !(OWNED_CONDITIONS as readonly string[]).includes(c.type));
  const sandbox = runtime.sandboxes[0];
  const containersReady = containersReadyCondition(pod, phase, initStatuses, statuses);
  const owned = withTransitionTimes(
    [
      { type: 'PodReadyToStartContainers', status: sandbox?.ready ? 'True' : 'False' },
      initializedCondition(pod, initStatuses, statuses),
      readyCondition(pod, containersReady, apiConditions),
      containersReady,
    ],
    input.previous?.conditions ?? apiConditions,
    now,
  );
  const scheduled = others.some((c) => c.type === 'PodScheduled')
    ? []
    : withTransitionTimes([{ type: 'PodScheduled', status: 'True' }], input.previous?.conditions ?? [], now);

  const hostNetwork = pod.spec?.hostNetwork ?? false;
  const fromSandbox = hostNetwork ? input.hostIPs : (sandbox?.ips ?? []);
  const previousIPs = (input.previous?.podIPs ?? pod.status?.podIPs ?? []).map((p) => p.ip);
  // a sandbox that is gone keeps the pod's last IPs in the status (upstream does not flap them)
  const podIPs = fromSandbox.length > 0 ? fromSandbox : previousIPs;
  const status: PodStatus = {
    phase,
    ...(deadlineExceeded ? { reason: DEADLINE_EXCEEDED_REASON, message: DEADLINE_EXCEEDED_MESSAGE } : {}),
    conditions: [...owned, ...scheduled, ...others],
    hostIP: input.hostIPs[0] ?? '',
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    ...(podIPs[0] ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime,
    ...(initContainers.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    ...(ephemeralStatuses.length > 0 ? { ephemeralContainerStatuses: ephemeralStatuses } : {}),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
  return status;
}
