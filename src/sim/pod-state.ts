/**
 * What the simulated runtime holds for one pod: a sandbox (with its IP) and every container
 * instance started, newest first, with the time each one will exit on its own. The planner
 * (`pod-plan.ts`) reads it; `applyAction` is the only writer; `toRuntimePodStatus` hands it to the
 * agent's own status generator in the shape the real runtime produces.
 */
import { createHash } from 'node:crypto';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerKind } from '../kubelet/kuberuntime/labels.js';
import type { RuntimePodStatus } from '../kubelet/kuberuntime/runtime-pod-status.js';

export interface SimContainer {
  id: string;
  name: string;
  kind: ContainerKind;
  image: string;
  imageRef: string;
  createdAt: number;
  startedAt: number;
  /** null while running. */
  finishedAt: number | null;
  exitCode: number;
  reason: string;
  restartCount: number;
  /** When it exits on its own (null: it runs until stopped). */
  exitAt: number | null;
  exitCodeOnExit: number;
}

export interface SimPodState {
  uid: string;
  /** When the simulator first saw the pod bound to its node. */
  seenAt: number;
  sandbox?: { createdAt: number; ips: string[] };
  /** Newest first. */
  containers: SimContainer[];
  /** CrashLoopBackOff per container name: when the exited instance `afterId` may be restarted. */
  backOff: Map<string, { afterId: string; restartAt: number; message: string }>;
  /** When the deletion (deletionTimestamp) was first seen. */
  deletionSeenAt?: number;
  /** The status is final (Succeeded/Failed): only the deletion remains. */
  finished: boolean;
  /** The final DELETE was sent. */
  deleteSent: boolean;
}

export type PodAction =
  | { type: 'createSandbox' }
  | {
      type: 'startContainer';
      name: string;
      kind: ContainerKind;
      restartCount: number;
      /** Runs this long before exiting by itself with `exitCode` (null: until stopped). */
      runMs: number | null;
      exitCode: number;
    }
  | { type: 'exitContainer'; id: string; exitCode: number; reason: string }
  | { type: 'backOff'; name: string; afterId: string; restartAt: number; message: string }
  | { type: 'finish' }
  | { type: 'deletePod' };

export const newPodState = (uid: string, now: number): SimPodState => ({
  uid,
  seenAt: now,
  containers: [],
  backOff: new Map(),
  finished: false,
  deleteSent: false,
});

export const latestInstance = (s: SimPodState, name: string): SimContainer | undefined =>
  s.containers.find((c) => c.name === name);

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function containerSpec(pod: Pod, name: string): Container | undefined {
  return (
    pod.spec?.containers.find((c) => c.name === name) ??
    pod.spec?.initContainers?.find((c) => c.name === name)
  );
}

/** Carries out one action on the state (the sandbox IP comes from `allocateIP`). */
export function applyAction(
  state: SimPodState,
  pod: Pod,
  action: PodAction,
  now: number,
  allocateIP: () => string[],
): void {
  switch (action.type) {
    case 'createSandbox':
      state.sandbox = { createdAt: now, ips: allocateIP() };
      return;
    case 'startContainer': {
      const image = containerSpec(pod, action.name)?.image ?? '';
      state.containers.unshift({
        id: sha256(`${state.uid}/${action.name}/${action.restartCount}`),
        name: action.name,
        kind: action.kind,
        image,
        imageRef: `${image.split('@')[0]}@sha256:${sha256(image)}`,
        createdAt: now,
        startedAt: now,
        finishedAt: null,
        exitCode: 0,
        reason: '',
        restartCount: action.restartCount,
        exitAt: action.runMs === null ? null : now + action.runMs,
        exitCodeOnExit: action.exitCode,
      });
      state.backOff.delete(action.name);
      return;
    }
    case 'exitContainer': {
      const c = state.containers.find((x) => x.id === action.id);
      if (!c || c.finishedAt !== null) return;
      c.finishedAt = now;
      c.exitCode = action.exitCode;
      c.reason = action.reason;
      return;
    }
    case 'backOff':
      state.backOff.set(action.name, {
        afterId: action.afterId,
        restartAt: action.restartAt,
        message: action.message,
      });
      return;
    case 'finish':
      state.finished = true;
      return;
    case 'deletePod':
      state.deleteSent = true;
      return;
    default: {
      const never: never = action;
      throw new Error(`unknown pod action ${JSON.stringify(never)}`);
    }
  }
}

/** The state in the shape the real runtime reports it (`kuberuntime/runtime-pod-status.ts`). */
export function toRuntimePodStatus(state: SimPodState, pod: Pod): RuntimePodStatus {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    uid: state.uid,
    sandboxes: state.sandbox
      ? [
          {
            id: state.uid,
            name: pod.metadata?.name ?? '',
            namespace: pod.metadata?.namespace ?? '',
            attempt: 0,
            ready: !state.finished && !state.deleteSent,
            createdAt: new Date(state.sandbox.createdAt),
            ips: state.sandbox.ips,
            hostNetwork: pod.spec?.hostNetwork ?? false,
          },
        ]
      : [],
    containers: state.containers.map((c) => ({
      id: c.id,
      name: c.name,
      sandboxId: state.uid,
      state: c.finishedAt === null ? 'running' : 'exited',
      kind: c.kind,
      createdAt: new Date(c.createdAt),
      startedAt: new Date(c.startedAt),
      finishedAt: date(c.finishedAt),
      exitCode: c.exitCode,
      reason: c.reason,
      message: '',
      image: c.image,
      imageRef: c.imageRef,
      hash: '',
      restartCount: c.restartCount,
    })),
  };
}

const parseTime = (t: string | undefined, fallback: number): number => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
};

/**
 * The state of a pod this simulator finds already started (by an earlier run): its sandbox IPs and
 * container instances rebuilt from the pod's status, so it carries on rather than starting over.
 * Answers undefined for a pod that has not started yet.
 */
export function adoptPodState(
  pod: Pod,
  status: PodStatus | undefined,
  now: number,
  exit: { afterMs: number; code: number } | undefined,
): SimPodState | undefined {
  const uid = pod.metadata?.uid ?? '';
  const statuses = [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])];
  if (!statuses.some((s) => s.containerID)) return undefined;
  const state = newPodState(uid, now);
  const ips = (status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  state.sandbox = { createdAt: parseTime(status?.startTime, now), ips };
  const initNames = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  const sidecars = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
  );
  for (const s of statuses) {
    if (!s.containerID) continue;
    const kind: ContainerKind = sidecars.has(s.name) ? 'sidecar' : initNames.has(s.name) ? 'init' : 'regular';
    const running = s.state?.running;
    const terminated = s.state?.terminated ?? s.lastState?.terminated;
    const startedAt = parseTime(running?.startedAt ?? terminated?.startedAt, now);
    const finishedAt = running ? null : parseTime(terminated?.finishedAt, now);
    state.containers.push({
      id: s.containerID.replace(/^[a-z]+:\/\//, ''),
      name: s.name,
      kind,
      image: s.image,
      imageRef: s.imageID,
      createdAt: startedAt,
      startedAt,
      finishedAt,
      exitCode: running ? 0 : (terminated?.exitCode ?? 0),
      reason: running ? '' : (terminated?.reason ?? ''),
      restartCount: s.restartCount,
      exitAt: running && kind === 'regular' && exit ? startedAt + exit.afterMs : null,
      exitCodeOnExit: exit?.code ?? 0,
    });
  }
  state.containers.sort((a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount);
  state.finished = status?.phase === 'Succeeded' || status?.phase === 'Failed';
  return state;
}
