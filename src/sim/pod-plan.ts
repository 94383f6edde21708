/**
 * What a simulated pod does next (pure; the counterpart of the agent's `computePodActions`): from
 * the pod, its simulated runtime state, its behaviour and the time, the actions due now and when
 * to look again. The executor applies the actions and plans again until nothing is due.
 *
 *   bound ──start delay──▶ sandbox (pod IP) ──▶ init containers, one after another, each running
 *   `initContainerMs` then exiting 0 (sidecars — init containers with restartPolicy Always — start
 *   and the next one waits until they count as started) ──▶ all regular containers start
 *   ──▶ started after the startup probe's initialDelaySeconds, ready after the readiness probe's
 *   ──▶ a container exits when its behaviour says so; under Always (OnFailure: non-zero exits) it
 *   is restarted at once the first time, then after 10 s doubling to 5 min (CrashLoopBackOff)
 *   ──▶ every regular container exited for good: running sidecars stop, the pod is finished
 *   (Succeeded or Failed).
 *
 *   deletionTimestamp ──termination delay (≤ grace period)──▶ running containers exit 0
 *   ──▶ finished (terminal status written) ──▶ DELETE with grace 0 and the uid precondition.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration } from '../kubelet/kuberuntime/backoff.js';
import { podDescription } from '../kubelet/kuberuntime/compute-pod-actions.js';
import type { PodProfile } from './pod-profile.js';
import { latestInstance, type PodAction, type SimContainer, type SimPodState } from './pod-state.js';

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** Upstream's default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

export interface PodPlan {
  actions: PodAction[];
  /** When something will be due (a start, an exit, a restart, a probe turning), null: nothing. */
  wakeAt: number | null;
}

const seconds = (v: number | undefined) => Math.max(0, v ?? 0) * 1000;

/** When a running instance counts as started (startup probe) and as ready (readiness probe). */
export function probeTimes(
  spec: Container | undefined,
  c: SimContainer,
): { startedAt: number; readyAt: number } {
  const startedAt = c.startedAt + (spec?.startupProbe ? seconds(spec.startupProbe.initialDelaySeconds) : 0);
  const readyAt = startedAt + (spec?.readinessProbe ? seconds(spec.readinessProbe.initialDelaySeconds) : 0);
  return { startedAt, readyAt };
}

/** The back-off before restarting an instance that exited (0 for the first restart, as upstream). */
export function restartDelay(c: SimContainer): number {
  // an instance that ran long enough (twice the maximum) starts the back-off over
  if (c.restartCount === 0 || (c.finishedAt ?? c.startedAt) - c.startedAt > 2 * BACKOFF_MAX_MS) return 0;
  return Math.min(BACKOFF_INITIAL_MS * 2 ** (c.restartCount - 1), BACKOFF_MAX_MS);
}

const shouldRestart = (pod: Pod, c: SimContainer): boolean => {
  if (c.kind === 'sidecar') return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && c.exitCode !== 0);
};

const isRunning = (c: SimContainer): boolean => c.finishedAt === null;

class Planner {
  readonly actions: PodAction[] = [];
  wakeAt: number | null = null;

  constructor(
    readonly pod: Pod,
    readonly state: SimPodState,
    readonly behaviour: PodProfile,
    readonly now: number,
  ) {}

  wake(at: number): void {
    if (at > this.now && (this.wakeAt === null || at < this.wakeAt)) this.wakeAt = at;
  }

  start(c: Container, kind: SimContainer['kind'], restartCount: number): void {
    const runMs =
      kind === 'init'
        ? this.behaviour.initContainerMs
        : kind === 'regular'
          ? (this.behaviour.exit?.afterMs ?? null)
          : null;
    const exitCode = kind === 'regular' ? (this.behaviour.exit?.code ?? 0) : 0;
    this.actions.push({ type: 'startContainer', name: c.name, kind, restartCount, runMs, exitCode });
  }

  /** A running instance: exit when due; otherwise wake for its exit and its probe transitions. */
  followRunning(spec: Container, c: SimContainer): void {
    if (c.exitAt !== null && this.now >= c.exitAt) {
      const code = c.exitCodeOnExit;
      this.actions.push({
        type: 'exitContainer',
        id: c.id,
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
      });
      return;
    }
    if (c.exitAt !== null) this.wake(c.exitAt);
    const t = probeTimes(spec, c);
    this.wake(t.startedAt);
    this.wake(t.readyAt);
  }

  /** An exited instance that should run again: restart now, or back off. */
  restart(spec: Container, c: SimContainer): void {
    const backOff = this.state.backOff.get(c.name);
    const restartAt =
      backOff?.afterId === c.id ? backOff.restartAt : (c.finishedAt ?? this.now) + restartDelay(c);
    if (this.now >= restartAt) {
      this.start(spec, c.kind, c.restartCount + 1);
      return;
    }
    if (backOff?.afterId !== c.id) {
      const delay = restartDelay(c);
      this.actions.push({
        type: 'backOff',
        name: c.name,
        afterId: c.id,
        restartAt,
        message: `back-off ${formatGoDuration(delay)} restarting failed container=${c.name} pod=${podDescription(this.pod)}`,
      });
    }
    this.wake(restartAt);
  }

  deletion(): void {
    const { pod, state } = this;
    const grace = seconds(
      pod.metadata?.deletionGracePeriodSeconds ??
        pod.spec?.terminationGracePeriodSeconds ??
        DEFAULT_GRACE_SECONDS,
    );
    const stopAt = (state.deletionSeenAt ?? this.now) + Math.min(this.behaviour.terminationMs, grace);
    const running = state.containers.filter(isRunning);
    if (running.length > 0 && !state.finished) {
      if (this.now < stopAt) return this.wake(stopAt);
      for (const c of running)
        this.actions.push({ type: 'exitContainer', id: c.id, exitCode: 0, reason: 'Completed' });
    }
    if (!state.finished) this.actions.push({ type: 'finish' });
    this.actions.push({ type: 'deletePod' });
  }

  /** Init containers in order; answers whether the regular containers may start. */
  initContainers(): boolean {
    for (const spec of this.pod.spec?.initContainers ?? []) {
      const sidecar = spec.restartPolicy === 'Always';
      const c = latestInstance(this.state, spec.name);
      if (!c) {
        this.start(spec, sidecar ? 'sidecar' : 'init', 0);
        return false;
      }
      if (isRunning(c)) {
        if (!sidecar) {
          this.followRunning(spec, c);
          return false;
        }
        const { startedAt, readyAt } = probeTimes(spec, c);
        this.wake(readyAt);
        if (this.now < startedAt) {
          this.wake(startedAt);
          return false;
        }
        continue;
      }
      if (!sidecar && c.exitCode === 0) continue;
      if (!sidecar && (this.pod.spec?.restartPolicy ?? 'Always') === 'Never') {
        this.actions.push({ type: 'finish' });
        return false;
      }
      this.restart(spec, c);
      return false;
    }
    return true;
  }

  regularContainers(): void {
    let done = 0;
    const specs = this.pod.spec?.containers ?? [];
    for (const spec of specs) {
      const c = latestInstance(this.state, spec.name);
      if (!c) this.start(spec, 'regular', 0);
      else if (isRunning(c)) this.followRunning(spec, c);
      else if (shouldRestart(this.pod, c)) this.restart(spec, c);
      else done++;
    }
    if (specs.length > 0 && done === specs.length) {
      // every regular container is through: sidecars are stopped and the pod is finished
      for (const c of this.state.containers.filter(isRunning)) {
        this.actions.push({ type: 'exitContainer', id: c.id, exitCode: 0, reason: 'Completed' });
      }
      this.actions.push({ type: 'finish' });
    }
  }

  /** Sidecars that exited after the init phase are restarted like regular containers. */
  sidecars(): void {
    for (const spec of this.pod.spec?.initContainers ?? []) {
      if (spec.restartPolicy !== 'Always') continue;
      const c = latestInstance(this.state, spec.name);
      if (c && !isRunning(c)) this.restart(spec, c);
      else if (c) this.wake(probeTimes(spec, c).readyAt);
    }
  }

  plan(): PodPlan {
    const { pod, state } = this;
    if (state.deleteSent) return this.result();
    if (pod.metadata?.deletionTimestamp) {
      this.deletion();
      return this.result();
    }
    if (state.finished) return this.result();
    if (!state.sandbox) {
      const at = state.seenAt + this.behaviour.startDelayMs;
      if (this.now >= at) this.actions.push({ type: 'createSandbox' });
      else this.wake(at);
      return this.result();
    }
    if (!this.initContainers()) return this.result();
    this.sidecars();
    this.regularContainers();
    return this.result();
  }

  private result(): PodPlan {
    return { actions: this.actions, wakeAt: this.actions.length > 0 ? null : this.wakeAt };
  }
}

export function planPod(pod: Pod, state: SimPodState, behaviour: PodProfile, now: number): PodPlan {
  return new Planner(pod, state, behaviour, now).plan();
}
