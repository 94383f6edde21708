/**
 * One probe worker per container and probe type (upstream prober `worker.go`), ticking every
 * `periodSeconds` on the injected clock (the first tick at once) until the container's pod
 * stops:
 *
 *   new container id ─▶ result = initial (readiness Failure, liveness Success, startup Unknown)
 *        │  not running ─▶ Failure (stop for good once terminated under restartPolicy Never)
 *        │  pod deleting ─▶ liveness/startup: Success, stop (no kill during a graceful shutdown)
 *        │  younger than initialDelaySeconds, or gated by startup (startup: done once started)
 *        ▼
 *      probe ─▶ successThreshold successes / failureThreshold failures in a row change the result
 *        │  liveness/startup Failure: on hold (the container is killed) until a new container id
 */
import type { Container, ContainerStatus, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import { isTerminalPhase } from '../status/phase.js';
import { probeOf, type Prober, type ProbeType } from './prober.js';
import type { ProbeResult, ResultsManager } from './results.js';

export interface WorkerContext {
  clock: Clock;
  logger: Logger;
  prober: Pick<Prober, 'probe'>;
  /** The newest status the agent computed for the pod. */
  podStatus(uid: string): PodStatus | undefined;
  /** Whether the container passed its startup probe (or has none). */
  isStarted(uid: string, name: string, containerID: string): boolean;
  /** The worker stopped for good. */
  onStop(worker: Worker): void;
}

const initialValue: Record<ProbeType, ProbeResult> = {
  readiness: 'Failure',
  liveness: 'Success',
  startup: 'Unknown',
};

/** The API defaults of a probe's timings (pkg/apis/core/v1/defaults.go). */
export function probeTimings(p: Probe) {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds || 10,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
  };
}

/** The CRI id in `containerd://<id>`. */
export const criID = (containerID: string): string => containerID.replace(/^[a-z0-9-]+:\/\//, '');

export class Worker {
  readonly uid: string;
  private containerID = '';
  private lastResult: ProbeResult = 'Unknown';
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private running = false;
  private timer: { cancel(): void } | null = null;
  private readonly spec: Probe;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly results: ResultsManager,
    public pod: Pod,
    readonly container: Container,
    readonly type: ProbeType,
  ) {
    this.uid = pod.metadata?.uid ?? '';
    this.spec = probeOf(container, type) ?? {};
  }

  get key(): string {
    return `${this.uid}/${this.container.name}/${this.type}`;
  }

  start(): void {
    this.timer = this.ctx.clock.setTimeout(() => this.tick(), 0);
  }

  /** Probes now, out of period (a readiness probe right after the container started). */
  trigger(): void {
    if (this.stopped || this.running) return;
    this.ctx.clock.setTimeout(() => {
      if (!this.stopped && !this.running) void this.run();
    }, 0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    if (this.containerID) this.results.remove(this.containerID);
    this.ctx.onStop(this);
  }

  private tick(): void {
    if (this.stopped) return;
    // a ticker: the next tick is due a period after this one; one still probing skips it
    this.timer = this.ctx.clock.setTimeout(() => this.tick(), probeTimings(this.spec).periodSeconds * 1000);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      if (!(await this.doProbe())) this.stop();
    } catch (err) {
      this.ctx.logger.warn({ err, probe: this.key }, 'probe worker step failed');
    } finally {
      this.running = false;
    }
  }

  private findStatus(status: PodStatus): ContainerStatus | undefined {
    const name = this.container.name;
    return (
      status.containerStatuses?.find((c) => c.name === name) ??
      status.initContainerStatuses?.find((c) => c.name === name)
    );
  }

  /** One step; false: stop the worker. */
  async doProbe(): Promise<boolean> {
    const status = this.ctx.podStatus(this.uid);
    if (!status) return true; // not synced yet
    if (isTerminalPhase(status.phase)) return false;
    const c = this.findStatus(status);
    if (!c?.containerID) return true; // not created yet
    const id = criID(c.containerID);
    if (id !== this.containerID) {
      if (this.containerID) this.results.remove(this.containerID);
      this.containerID = id;
      this.results.set(id, initialValue[this.type], this.uid);
      this.onHold = false;
      this.lastResult = 'Unknown';
      this.resultRun = 0;
    }
    if (this.onHold) return true;
    if (!c.state?.running) {
      this.results.set(id, 'Failure', this.uid);
      // a terminated container that will not be restarted is never probed again
      return !c.state?.terminated || this.pod.spec?.restartPolicy !== 'Never';
    }
    if (this.pod.metadata?.deletionTimestamp && this.type !== 'readiness') {
      this.results.set(id, 'Success', this.uid);
      return false;
    }
    const timings = probeTimings(this.spec);
    const startedAt = Date.parse(c.state.running.startedAt ?? '');
    const age = Math.floor((this.ctx.clock.now().getTime() - startedAt) / 1000);
    if (Number.isFinite(age) && age < timings.initialDelaySeconds) return true;
    const started = this.ctx.isStarted(this.uid, this.container.name, id);
    if (started ? this.type === 'startup' : this.type !== 'startup') return true;

    let result: ProbeResult;
    try {
      result = await this.ctx.prober.probe(this.type, this.pod, status, this.container, id);
    } catch {
      return true; // the check could not be carried out: keep the previous result
    }
    if (this.stopped) return false;
    if (id !== this.containerID) return true;
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if (
      (result === 'Failure' && this.resultRun < timings.failureThreshold) ||
      (result === 'Success' && this.resultRun < timings.successThreshold)
    ) {
      return true;
    }
    this.results.set(id, result, this.uid);
    if (result === 'Failure' && this.type !== 'readiness') {
      // the container gets killed: wait for its successor
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
