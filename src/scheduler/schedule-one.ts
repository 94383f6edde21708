/**
 * One pod through the scheduler (upstream's schedule_one.go):
 *
 *   scheduling cycle (one pod at a time): snapshot → schedulePod → on no fit: PostFilter
 *     (preemption may nominate a node) → assume the pod on the chosen node → Reserve
 *   binding cycle (asynchronous): Bind → FinishBinding + `Scheduled` event
 *   any failure: Unreserve, forget the assumed pod, requeue the latest version of the pod,
 *     `FailedScheduling` event and PodScheduled=False (Unschedulable or SchedulerError)
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Api } from '../apiserver/api.js';
import type { Logger } from '../util/log.js';
import type { SchedulerCache } from './cache/cache.js';
import type { SchedulerEventRecorder } from './events/recorder.js';
import type { QueuedPodInfo } from './framework/extensions.js';
import { fitErrorMessage, newDiagnosis } from './framework/fit-error.js';
import { CycleState } from './framework/interface.js';
import type { Framework } from './framework/runtime.js';
import { isRejected, statusMessage } from './framework/status.js';
import type { SnapshotHolder } from './handle.js';
import { type FailureReason, updatePodScheduledFalse } from './pod-status.js';
import type { Nominator } from './queue/nominator.js';
import { type SchedulingQueue, podKey } from './queue/scheduling-queue.js';
import { postFilterStatuses, schedulePod } from './schedule-pod.js';
import type { Clock } from './util/clock.js';

export interface ScheduleContext {
  api: Api;
  logger: Logger;
  clock: Clock;
  random: () => number;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  nominator: Nominator;
  snapshot: SnapshotHolder;
  recorder: SchedulerEventRecorder;
  frameworks: ReadonlyMap<string, Framework>;
  pending: ReadonlyMap<string, Pod>;
  percentageOfNodesToScore: number;
  cursor: { next: number };
  /** Binding cycles still running. */
  binding: Set<Promise<void>>;
}

interface Failure {
  reason: FailureReason;
  message: string;
  plugins: Set<string>;
  nominatedNodeName?: string;
}

const nameOf = (pod: Pod): string => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** Runs the scheduling cycle of one popped pod; the binding cycle continues in the background. */
export async function scheduleOne(ctx: ScheduleContext, info: QueuedPodInfo): Promise<void> {
  const pod = info.pod;
  const fwk = ctx.frameworks.get(pod.spec?.schedulerName || 'default-scheduler');
  if (!fwk || pod.metadata?.deletionTimestamp || ctx.cache.isAssumed(pod)) {
    ctx.queue.done(pod);
    return;
  }
  const state = new CycleState();
  const snapshot = ctx.cache.snapshot();
  ctx.snapshot.current = snapshot;
  const result = schedulePod(fwk, state, pod, snapshot, {
    percentageOfNodesToScore: ctx.percentageOfNodesToScore,
    cursor: ctx.cursor,
    random: ctx.random,
  });
  switch (result.kind) {
    case 'error':
      ctx.logger.error(
        { pod: nameOf(pod), err: statusMessage(result.status) },
        'error selecting node for pod',
      );
      return handleFailure(ctx, fwk, info, {
        reason: 'SchedulerError',
        message: statusMessage(result.status),
        plugins: new Set(),
      });
    case 'unschedulable': {
      const d = result.diagnosis;
      if (!d) {
        return handleFailure(ctx, fwk, info, {
          reason: 'Unschedulable',
          message: result.message ?? '',
          plugins: new Set(),
        });
      }
      let nominatedNodeName: string | undefined;
      if (fwk.hasPostFilterPlugins()) {
        const pf = fwk.runPostFilterPlugins(state, pod, postFilterStatuses(snapshot, d));
        d.postFilterMsg = statusMessage(pf.status);
        nominatedNodeName = pf.nominatedNodeName;
        if (pf.status.code === 'Error')
          ctx.logger.error({ pod: nameOf(pod), err: d.postFilterMsg }, 'PostFilter');
      }
      const message = fitErrorMessage(result.numAllNodes, d);
      ctx.logger.debug({ pod: nameOf(pod), message }, 'unable to schedule pod; no fit; waiting');
      return handleFailure(ctx, fwk, info, {
        reason: 'Unschedulable',
        message,
        plugins: d.unschedulablePlugins,
        ...(nominatedNodeName !== undefined ? { nominatedNodeName } : {}),
      });
    }
    case 'scheduled':
      break;
  }
  const host = result.host;
  const assumed: Pod = { ...pod, spec: { ...(pod.spec ?? { containers: [] }), nodeName: host } };
  ctx.cache.assumePod(assumed);
  // The pod takes its room for real now: no longer held as a nomination.
  ctx.nominator.delete(pod);
  const reserved = fwk.runReservePluginsReserve(state, assumed, host);
  if (reserved.code !== 'Success') {
    fwk.runReservePluginsUnreserve(state, assumed, host);
    ctx.cache.forgetPod(assumed);
    if (isRejected(reserved)) {
      const d = newDiagnosis();
      d.nodeToStatus.set(host, reserved);
      return handleFailure(ctx, fwk, info, {
        reason: 'Unschedulable',
        message: fitErrorMessage(1, d),
        plugins: new Set(reserved.plugin ? [reserved.plugin] : []),
      });
    }
    return handleFailure(ctx, fwk, info, {
      reason: 'SchedulerError',
      message: statusMessage(reserved),
      plugins: new Set(),
    });
  }
  const cycle = bindingCycle(ctx, fwk, state, info, assumed, host);
  ctx.binding.add(cycle);
  void cycle.finally(() => ctx.binding.delete(cycle));
}

async function bindingCycle(
  ctx: ScheduleContext,
  fwk: Framework,
  state: CycleState,
  info: QueuedPodInfo,
  assumed: Pod,
  host: string,
): Promise<void> {
  const status = await fwk.runBindPlugins(state, assumed, host);
  if (status.code !== 'Success') {
    fwk.runReservePluginsUnreserve(state, assumed, host);
    ctx.cache.forgetPod(assumed);
    // The node's room the assumed pod held is free again.
    ctx.queue.moveAllToActiveOrBackoffQueue(['AssignedPodDelete']);
    const message = status.code === 'Skip' ? 'no bind plugin bound the pod' : statusMessage(status);
    ctx.logger.warn({ pod: nameOf(assumed), node: host, err: message }, 'binding failed');
    return handleFailure(ctx, fwk, info, { reason: 'SchedulerError', message, plugins: new Set() });
  }
  ctx.cache.finishBinding(assumed);
  ctx.queue.done(assumed);
  const meta = assumed.metadata ?? {};
  ctx.recorder.eventf(
    fwk.profileName,
    assumed,
    'Normal',
    'Scheduled',
    'Binding',
    `Successfully assigned ${meta.namespace}/${meta.name} to ${host}`,
  );
}

async function handleFailure(
  ctx: ScheduleContext,
  fwk: Framework,
  info: QueuedPodInfo,
  f: Failure,
): Promise<void> {
  const pod = info.pod;
  const latest = ctx.pending.get(podKey(pod));
  // Preemption's nomination ('' clears) holds the room its victims leave, for this pod.
  if (f.nominatedNodeName !== undefined && latest && !latest.spec?.nodeName) {
    ctx.nominator.add(latest, f.nominatedNodeName);
  }
  if (latest && !latest.spec?.nodeName) {
    ctx.queue.addUnschedulableIfNotPresent({ ...info, pod: latest, unschedulablePlugins: f.plugins });
  } else {
    ctx.queue.done(pod);
  }
  ctx.recorder.eventf(fwk.profileName, pod, 'Warning', 'FailedScheduling', 'Scheduling', f.message);
  try {
    await updatePodScheduledFalse(
      ctx.api,
      latest ?? pod,
      f.reason,
      f.message,
      f.nominatedNodeName,
      new Date(ctx.clock.now()),
    );
  } catch (err) {
    ctx.logger.warn({ pod: nameOf(pod), err: String(err) }, 'error updating pod status');
  }
}
