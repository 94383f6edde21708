/**
 * The prober manager (upstream prober `manager.go`): one `Worker` per container and probe type
 * of each pod it is given (regular containers and sidecars), three results caches, and the
 * answers the rest of the agent asks for:
 *
 *   - the plan (`ProbeResults`): is a container live, started, did its startup probe fail;
 *   - the status (`isReady`, `isStarted`): a container with a readiness probe is unready until it
 *     succeeds, one without is ready once started; one with a startup probe is started once it
 *     succeeds.
 *
 * Every change of a result calls `onResultChange` (a liveness change only when it is a
 * Failure, as upstream), which the pod lifecycle turns into a sync of the pod: the kill, or the
 * status write with the new readiness.
 */
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Runtime } from '../container/runtime.js';
import type { ProbeResults } from '../kuberuntime/compute-pod-actions.js';
import type { Clock } from '../lifecycle.js';
import { loggingRecorder, probeOf, Prober, type ContainerEventRecorder, type ProbeType } from './prober.js';
import { ResultsManager, type ProbeResult } from './results.js';
import { Worker, type WorkerContext } from './worker.js';

export interface ProberManagerOptions {
  runtime: Pick<Runtime, 'execSync'>;
  clock: Clock;
  logger: Logger;
  /** The newest status the agent computed for a pod (the status manager's). */
  podStatus(uid: string): PodStatus | undefined;
  /** A probe result of one of the pod's containers changed. */
  onResultChange(uid: string, type: ProbeType, result: ProbeResult): void;
  recorder?: ContainerEventRecorder;
  /** Replaces the real mechanisms (tests). */
  prober?: Pick<Prober, 'probe'>;
}

const PROBE_TYPES: ProbeType[] = ['startup', 'readiness', 'liveness'];

export class ProberManager implements ProbeResults {
  private readonly workers = new Map<string, Worker>();
  private readonly results: Record<ProbeType, ResultsManager>;
  private readonly ctx: WorkerContext;

  constructor(private readonly o: ProberManagerOptions) {
    const results = (type: ProbeType) =>
      new ResultsManager((u) => {
        if (type === 'liveness' && u.result !== 'Failure') return;
        o.onResultChange(u.podUID, type, u.result);
      });
    this.results = {
      startup: results('startup'),
      readiness: results('readiness'),
      liveness: results('liveness'),
    };
    this.ctx = {
      clock: o.clock,
      logger: o.logger,
      prober:
        o.prober ?? new Prober({ runtime: o.runtime, recorder: o.recorder ?? loggingRecorder(o.logger) }),
      podStatus: (uid) => o.podStatus(uid),
      isStarted: (uid, name, id) => this.isStarted(uid, name, id),
      onStop: (w) => {
        if (this.workers.get(w.key) === w) this.workers.delete(w.key);
      },
    };
  }

  private worker(uid: string, name: string, type: ProbeType): Worker | undefined {
    return this.workers.get(`${uid}/${name}/${type}`);
  }

  /** Starts the workers of a pod's probes; later calls only hand the workers the newest pod. */
  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const probed: Container[] = [
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
      ...(pod.spec?.containers ?? []),
    ];
    for (const c of probed) {
      for (const type of PROBE_TYPES) {
        if (!probeOf(c, type)) continue;
        const existing = this.worker(uid, c.name, type);
        if (existing) {
          existing.pod = pod;
          continue;
        }
        const w = new Worker(this.ctx, this.results[type], pod, c, type);
        this.workers.set(w.key, w);
        w.start();
      }
    }
  }

  /** The pod is terminating: no more kills (upstream `StopLivenessAndStartup`). */
  stopLivenessAndStartup(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    for (const w of [...this.workers.values()]) {
      if (w.uid === uid && w.type !== 'readiness') w.stop();
    }
  }

  removePod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    for (const w of [...this.workers.values()]) if (w.uid === uid) w.stop();
  }

  stop(): void {
    for (const w of [...this.workers.values()]) w.stop();
  }

  /** How many workers run (tests, metrics). */
  get workerCount(): number {
    return this.workers.size;
  }

  isLive = (_uid: string, _name: string, containerID: string): boolean =>
    this.results.liveness.get(containerID) !== 'Failure';

  isStarted = (uid: string, name: string, containerID: string): boolean => {
    const r = this.results.startup.get(containerID);
    if (r !== undefined) return r === 'Success';
    return !this.worker(uid, name, 'startup');
  };

  startupFailed = (_uid: string, _name: string, containerID: string): boolean =>
    this.results.startup.get(containerID) === 'Failure';

  /** Readiness of a started, running container; an unready one with a worker is probed at once. */
  isReady = (uid: string, name: string, containerID: string): boolean => {
    if (this.results.readiness.get(containerID) === 'Success') return true;
    const w = this.worker(uid, name, 'readiness');
    if (!w) return true;
    w.trigger();
    return false;
  };
}
