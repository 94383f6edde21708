/**
 * The work behind each pod-worker state (upstream kubelet `SyncPod`, `SyncTerminatingPod`,
 * `SyncTerminatedPod`): read the runtime's view, plan, publish the status, execute the plan.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import {
  activeDeadlineRemainingMs,
  DEADLINE_EXCEEDED_MESSAGE,
  DEADLINE_EXCEEDED_REASON,
} from '../active-deadline.js';
import { removePodResources } from '../kuberuntime/cleanup.js';
import { computePodActions, type ProbeResults } from '../kuberuntime/compute-pod-actions.js';
import { getPodStatus, type RuntimePodStatus } from '../kuberuntime/runtime-pod-status.js';
import { podCgroupCandidates } from '../kuberuntime/sandbox-config.js';
import { executeSyncPod, killPod, type SyncPodContext } from '../kuberuntime/sync-pod.js';
import type { PodLifecycleEventGenerator } from '../pleg/pleg.js';
import { generateAPIPodStatus, type ReadinessProvider, type StartupProvider } from '../status/generate.js';
import { isTerminalPhase } from '../status/phase.js';
import type { StatusManager } from '../status/status-manager.js';
import type { PodSyncer, SyncPodOutcome } from './pod-workers.js';

export interface SyncerOptions {
  ctx: SyncPodContext;
  pleg: PodLifecycleEventGenerator;
  statusManager: StatusManager;
  clock: Clock;
  logger: Logger;
  cgroupRoot: string | null;
  hostIPs: string[];
  runtimeName: () => string;
  probes: ProbeResults;
  readiness: ReadinessProvider;
  startup: StartupProvider;
  deletePod(pod: Pod): Promise<void>;
  /** The probe workers (prober manager): stopped as the pod terminates. */
  prober?: { stopLivenessAndStartup(pod: Pod): void; removePod(pod: Pod): void };
}

export class KubeletSyncer implements PodSyncer {
  constructor(private readonly o: SyncerOptions) {}

  private async runtimeStatus(uid: string): Promise<RuntimePodStatus> {
    const status = await getPodStatus(this.o.ctx.runtime, uid);
    this.o.pleg.setStatus(status);
    return status;
  }

  private publish(pod: Pod, runtime: RuntimePodStatus, podIsTerminal: boolean) {
    const uid = pod.metadata?.uid ?? '';
    const status = generateAPIPodStatus({
      pod,
      runtime,
      reasons: this.o.ctx.reasons,
      runtimeName: this.o.runtimeName(),
      hostIPs: this.o.hostIPs,
      now: this.o.clock.now(),
      podIsTerminal,
      previous: this.o.statusManager.get(uid),
      readiness: this.o.readiness,
      startup: this.o.startup,
    });
    this.o.statusManager.setPodStatus(pod, status);
    return status;
  }

  async syncPod(pod: Pod): Promise<SyncPodOutcome> {
    const now = this.o.clock.now();
    const uid = pod.metadata?.uid ?? '';
    const runtime = await this.runtimeStatus(uid);
    const previous = this.o.statusManager.get(uid);
    const deadlineLeft = activeDeadlineRemainingMs(pod, previous?.startTime ?? pod.status?.startTime, now);
    const pastDeadline = deadlineLeft !== null && deadlineLeft <= 0;
    const actions = computePodActions(pod, runtime, now, this.o.ctx.backoff, this.o.probes, pastDeadline);
    for (const b of actions.containersInBackOff) {
      this.o.ctx.reasons.set(pod.metadata?.uid ?? '', b.name, {
        reason: 'CrashLoopBackOff',
        message: b.message,
      });
    }
    const status = this.publish(pod, runtime, false);
    if (status.reason === DEADLINE_EXCEEDED_REASON && previous?.reason !== DEADLINE_EXCEEDED_REASON)
      this.o.ctx.events?.pod(pod, 'Normal', DEADLINE_EXCEEDED_REASON, DEADLINE_EXCEEDED_MESSAGE);
    if (isTerminalPhase(status.phase)) return { terminal: true, changed: false, retryAfterMs: null };
    const result = await executeSyncPod(this.o.ctx, pod, runtime, actions);
    const retries = actions.containersInBackOff.map((b) => b.retryAt.getTime() - now.getTime());
    // a sync when the deadline comes (a pod that just started has its startTime from this publish)
    const left = activeDeadlineRemainingMs(pod, status.startTime, now);
    if (left !== null) retries.push(left);
    return {
      terminal: false,
      changed: result.changed,
      retryAfterMs: retries.length ? Math.max(0, Math.min(...retries)) : null,
    };
  }

  async syncTerminatingPod(pod: Pod, gracePeriodSeconds: number, orphaned: boolean): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    this.o.logger.info({ pod: pod.metadata?.name, gracePeriodSeconds, orphaned }, 'terminating pod');
    this.o.prober?.stopLivenessAndStartup(pod);
    await killPod(this.o.ctx, pod, await this.runtimeStatus(uid), gracePeriodSeconds);
    // a pod that was already terminal in the API keeps the status it has
    this.o.prober?.removePod(pod);
    if (!orphaned && !isTerminalPhase(pod.status?.phase))
      this.publish(pod, await this.runtimeStatus(uid), true);
  }

  async cleanupPod(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const runtime = await this.runtimeStatus(uid);
    await removePodResources(
      {
        runtime: this.o.ctx.runtime,
        rootDir: this.o.ctx.rootDir,
        logger: this.o.logger,
        cgroupRoot: this.o.cgroupRoot,
      },
      pod,
      runtime,
      podCgroupCandidates(uid),
    );
    this.o.ctx.reasons.forget(uid);
    this.o.ctx.backoff.forget(`${uid}/`);
    this.o.ctx.imageBackoff.forget(`${uid}/`);
  }

  async deletePod(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    await this.o.statusManager.flush(uid);
    await this.o.deletePod(pod);
    this.o.statusManager.forget(uid);
  }
}
