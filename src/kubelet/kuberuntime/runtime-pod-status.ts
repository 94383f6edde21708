/**
 * The runtime's view of one pod (upstream `kubecontainer.PodStatus`): its sandboxes and every
 * container instance the runtime still has, newest first, converted from CRI into plain values
 * (dates, numbers, the restart count and spec hash read back from annotations). `getPodStatus`
 * reads it through CRI; termination messages are read here too (the host file mounted at the
 * container's terminationMessagePath, or the log tail for FallbackToLogsOnError).
 */
import { open, readFile } from 'node:fs/promises';
import type {
  ContainerStatus as CriContainerStatus,
  PodSandboxStatus,
  Runtime,
} from '../container/runtime.js';
import {
  CONTAINER_HASH_ANNOTATION,
  CONTAINER_KIND_ANNOTATION,
  CONTAINER_NAME_LABEL,
  CONTAINER_RESTART_COUNT_ANNOTATION,
  CONTAINER_TERMINATION_PATH_ANNOTATION,
  CONTAINER_TERMINATION_POLICY_ANNOTATION,
  POD_UID_LABEL,
  type ContainerKind,
} from './labels.js';

export type RuntimeContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface RuntimeContainerStatus {
  /** The CRI id (no `containerd://` prefix). */
  id: string;
  name: string;
  sandboxId: string;
  state: RuntimeContainerState;
  kind: ContainerKind;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number;
  /** The runtime's reason for an exit (`Completed`, `Error`, `OOMKilled`). */
  reason: string;
  /** The termination message (file or log tail), else the runtime's message. */
  message: string;
  image: string;
  imageRef: string;
  hash: string;
  restartCount: number;
}

export interface RuntimeSandboxStatus {
  id: string;
  name: string;
  namespace: string;
  attempt: number;
  ready: boolean;
  createdAt: Date;
  ips: string[];
  hostNetwork: boolean;
}

export interface RuntimePodStatus {
  uid: string;
  /** Newest first. */
  sandboxes: RuntimeSandboxStatus[];
  /** Newest first. */
  containers: RuntimeContainerStatus[];
}

export const emptyPodStatus = (uid: string): RuntimePodStatus => ({ uid, sandboxes: [], containers: [] });

/** CRI nanosecond strings → Date; 0 → null. */
export function fromNanos(ns: string): Date | null {
  if (!ns || ns === '0') return null;
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

const criState = (s: string): RuntimeContainerState =>
  s === 'CONTAINER_CREATED'
    ? 'created'
    : s === 'CONTAINER_RUNNING'
      ? 'running'
      : s === 'CONTAINER_EXITED'
        ? 'exited'
        : 'unknown';

export function toRuntimeSandboxStatus(s: PodSandboxStatus): RuntimeSandboxStatus {
  const ip = s.network?.ip;
  return {
    id: s.id,
    name: s.metadata?.name ?? '',
    namespace: s.metadata?.namespace ?? '',
    attempt: s.metadata?.attempt ?? 0,
    ready: s.state === 'SANDBOX_READY',
    createdAt: fromNanos(s.created_at) ?? new Date(0),
    ips: ip ? [ip, ...(s.network?.additional_ips ?? []).map((a) => a.ip)] : [],
    hostNetwork: s.linux?.namespaces?.options?.network === 'NODE',
  };
}

export function toRuntimeContainerStatus(s: CriContainerStatus, message = s.message): RuntimeContainerStatus {
  const kind = s.annotations[CONTAINER_KIND_ANNOTATION];
  return {
    id: s.id,
    name: s.metadata?.name ?? s.labels[CONTAINER_NAME_LABEL] ?? '',
    sandboxId: '',
    state: criState(s.state),
    kind: kind === 'init' || kind === 'sidecar' ? kind : 'regular',
    createdAt: fromNanos(s.created_at) ?? new Date(0),
    startedAt: fromNanos(s.started_at),
    finishedAt: fromNanos(s.finished_at),
    exitCode: s.exit_code,
    reason: s.reason,
    message,
    image: s.image?.user_specified_image || s.image?.image || '',
    imageRef: s.image_ref,
    hash: s.annotations[CONTAINER_HASH_ANNOTATION] ?? '',
    restartCount: Number(s.annotations[CONTAINER_RESTART_COUNT_ANNOTATION] ?? '0') || 0,
  };
}

const MAX_MESSAGE_BYTES = 4096;
const FALLBACK_LOG_BYTES = 2048;
const FALLBACK_LOG_LINES = 80;

async function readHead(path: string, max: number): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The last lines of a CRI log file, content only (timestamp/stream/tag stripped), capped in bytes. */
export function logTail(
  content: string,
  maxLines = FALLBACK_LOG_LINES,
  maxBytes = FALLBACK_LOG_BYTES,
): string {
  const lines = content.split('\n').filter(Boolean);
  let out = '';
  for (const line of lines.slice(-maxLines)) {
    const m = /^\S+ (?:stdout|stderr) ([PF]) (.*)$/.exec(line);
    if (!m) continue;
    out += m[2] + (m[1] === 'F' ? '\n' : '');
  }
  return out.length > maxBytes ? out.slice(out.length - maxBytes) : out;
}

/** The termination message of an exited container (upstream: file first, log tail as a fallback). */
export async function terminationMessage(s: CriContainerStatus): Promise<string> {
  if (s.state !== 'CONTAINER_EXITED') return s.message;
  const path = s.annotations[CONTAINER_TERMINATION_PATH_ANNOTATION];
  const mount = path ? s.mounts.find((m) => m.container_path === path) : undefined;
  const fromFile = mount ? await readHead(mount.host_path, MAX_MESSAGE_BYTES).catch(() => '') : '';
  if (fromFile) return fromFile;
  const policy = s.annotations[CONTAINER_TERMINATION_POLICY_ANNOTATION];
  if (policy === 'FallbackToLogsOnError' && s.exit_code !== 0 && s.log_path) {
    const log = await readFile(s.log_path, 'utf8').catch(() => '');
    const tail = logTail(log);
    if (tail) return tail;
  }
  return s.message;
}

/** Reads the pod's sandboxes and containers from the runtime (filtered by the pod-uid label). */
export async function getPodStatus(runtime: Runtime, uid: string): Promise<RuntimePodStatus> {
  const selector = { label_selector: { [POD_UID_LABEL]: uid } };
  const [sandboxes, containers] = await Promise.all([
    runtime.listPodSandbox(selector),
    runtime.listContainers(selector),
  ]);
  const sandboxStatuses = await Promise.all(
    sandboxes.map(async (s) => (await runtime.podSandboxStatus(s.id).catch(() => null))?.status ?? null),
  );
  const containerStatuses = await Promise.all(
    containers.map(async (c) => {
      const status = (await runtime.containerStatus(c.id).catch(() => null))?.status;
      if (!status) return null;
      const converted = toRuntimeContainerStatus(status, await terminationMessage(status));
      return { ...converted, sandboxId: c.pod_sandbox_id };
    }),
  );
  const byNewest = <T extends { createdAt: Date }>(a: T, b: T) =>
    b.createdAt.getTime() - a.createdAt.getTime();
  // equal creation times (a fake clock): the higher restart count / attempt is the newer one
  const containersByNewest = (a: RuntimeContainerStatus, b: RuntimeContainerStatus) =>
    byNewest(a, b) || b.restartCount - a.restartCount;
  const sandboxesByNewest = (a: RuntimeSandboxStatus, b: RuntimeSandboxStatus) =>
    byNewest(a, b) || b.attempt - a.attempt;
  return {
    uid,
    sandboxes: sandboxStatuses
      .filter((s): s is PodSandboxStatus => s !== null)
      .map(toRuntimeSandboxStatus)
      .sort(sandboxesByNewest),
    containers: containerStatuses
      .filter((c): c is RuntimeContainerStatus => c !== null)
      .sort(containersByNewest),
  };
}

/** The newest instance of each container name. */
export function latestByName(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name);
}

/** The newest instance before the latest one (the `lastState` source). */
export function previousByName(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.filter((c) => c.name === name)[1];
}
