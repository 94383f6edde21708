/**
 * The Pod table, as upstream's printPod: NAME READY STATUS RESTARTS AGE, and (wide) IP NODE
 * NOMINATED NODE READINESS GATES. STATUS summarizes phase, init progress, container states,
 * readiness and deletion the way `kubectl get pods` always has.
 */
import type { Container, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

/** The reason the node lifecycle controller gives pods on an unreachable node. */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';
const hasCondition = (conds: PodCondition[] | undefined, type: string): boolean =>
  (conds ?? []).some((c) => c.type === type && c.status === 'True');
const later = (a: number, b: string | undefined): number => {
  const t = b ? Date.parse(b) : NaN;
  return Number.isNaN(t) || t <= a ? a : t;
};

export interface PodSummary {
  ready: string;
  status: string;
  restarts: number;
  /** Epoch ms of the last container restart (0: none known). */
  lastRestart: number;
}

/** READY, STATUS and RESTARTS of a pod, computed as upstream's printer does. */
export function summarizePod(pod: Pod): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = spec?.containers?.length ?? 0;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = status.phase ?? '';
  if (status.reason) reason = status.reason;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }
  const inits = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  for (const c of spec?.initContainers ?? []) if (isRestartable(c)) total++;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    if (!cs) continue;
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
    const sidecar = isRestartable(inits.get(cs.name));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, cs.lastState?.terminated?.finishedAt);
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (term) {
      if (!term.reason)
        reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      if (!cs) continue;
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      const term = cs.state?.terminated;
      if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // Back to Running while some container still runs.
    if (reason === 'Completed' && hasRunning)
      reason = hasCondition(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && status.phase !== 'Failed' && status.phase !== 'Succeeded') reason = 'Terminating';

  return { ready: `${ready}/${total}`, status: reason, restarts, lastRestart };
}

export function printPod(pod: Pod, now: Date): unknown[] {
  const s = summarizePod(pod);
  const restarts =
    s.restarts !== 0 && s.lastRestart > 0
      ? `${s.restarts} (${translateTimestampSince(new Date(s.lastRestart).toISOString(), now)} ago)`
      : String(s.restarts);
  const status = pod.status ?? {};
  const gates = pod.spec?.readinessGates ?? [];
  let readinessGates = '<none>';
  if (gates.length) {
    const trueCount = gates.filter(
      (g) => (status.conditions ?? []).find((c) => c.type === g.conditionType)?.status === 'True',
    ).length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata?.name ?? '',
    s.ready,
    s.status,
    restarts,
    translateTimestampSince(pod.metadata?.creationTimestamp, now),
    status.podIPs?.[0]?.ip || '<none>',
    pod.spec?.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates,
  ];
}

export const podTable: TableConvertor<Pod> = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
    column('Node', 'string', 'The node the pod is scheduled onto.', 1),
    column(
      'Nominated Node',
      'string',
      'The node the scheduler nominated for this pod while it preempts others.',
      1,
    ),
    column('Readiness Gates', 'string', 'How many of the pod readiness gates are satisfied.', 1),
  ],
  cells: printPod,
};
