/**
 * The pod conditions the agent owns (upstream kubelet `status/generate.go`):
 *
 *   PodReadyToStartContainers — the sandbox is up with its network;
 *   Initialized     — every init container succeeded (sidecars: started), reason ContainersNotInitialized;
 *   ContainersReady — every container (sidecars included) is ready, reason ContainersNotReady,
 *                     PodCompleted once the pod Succeeded;
 *   Ready           — ContainersReady and every readinessGates condition True in
 *                     status.conditions (ReadinessGatesNotReady otherwise);
 *   PodScheduled    — the scheduler's, kept (True when absent).
 *
 * Other conditions (readiness gates, DisruptionTarget, …) belong to other writers and are kept.
 * lastTransitionTime moves only when a condition's status changes.
 */
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { PodPhase } from './phase.js';

/** API times are RFC 3339 with second precision. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const OWNED_CONDITIONS = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
] as const;

const list = (names: string[]) => `[${names.join(' ')}]`;

const condition = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => ({
  type,
  status: ok ? 'True' : 'False',
  ...(reason && !ok ? { reason } : {}),
  ...(message && !ok ? { message } : {}),
});

export function initializedCondition(
  pod: Pod,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
): PodCondition {
  // regular containers already created: the pod was initialized before (records may be gone)
  if (statuses.some((s) => s.containerID)) return condition('Initialized', true);
  const incomplete = (pod.spec?.initContainers ?? [])
    .filter((c) => {
      const s = initStatuses.find((x) => x.name === c.name);
      if (c.restartPolicy === 'Always') return !(s?.state?.running && s.started);
      return s?.state?.terminated?.exitCode !== 0;
    })
    .map((c) => c.name);
  return condition(
    'Initialized',
    incomplete.length === 0,
    'ContainersNotInitialized',
    `containers with incomplete status: ${list(incomplete)}`,
  );
}

function unready(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[]): string[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [
    ...sidecars.filter((c) => !initStatuses.find((s) => s.name === c.name)?.ready).map((c) => c.name),
    ...(pod.spec?.containers ?? [])
      .filter((c) => !statuses.find((s) => s.name === c.name)?.ready)
      .map((c) => c.name),
  ];
}

export function containersReadyCondition(
  pod: Pod,
  phase: PodPhase,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
): PodCondition {
  if (phase === 'Succeeded') return condition('ContainersReady', false, 'PodCompleted');
  const names = unready(pod, initStatuses, statuses);
  return condition(
    'ContainersReady',
    names.length === 0,
    'ContainersNotReady',
    `containers with unready status: ${list(names)}`,
  );
}

/** Ready = ContainersReady + readiness gates, checked against the conditions others wrote. */
export function readyCondition(
  pod: Pod,
  containersReady: PodCondition,
  conditions: PodCondition[],
): PodCondition {
  if (containersReady.status !== 'True') {
    return condition('Ready', false, containersReady.reason, containersReady.message);
  }
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c)
      messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') {
      messages.push(
        `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`,
      );
    }
  }
  return condition('Ready', messages.length === 0, 'ReadinessGatesNotReady', messages.join(', '));
}

/** Keeps lastTransitionTime when the status did not change; `now` otherwise. */
export function withTransitionTimes(
  conditions: PodCondition[],
  previous: PodCondition[],
  now: Date,
): PodCondition[] {
  return conditions.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    const lastTransitionTime =
      old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
    return { ...c, lastTransitionTime };
  });
}
