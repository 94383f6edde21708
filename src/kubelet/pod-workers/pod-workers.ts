/**
 * Per-pod workers (upstream kubelet `pod_workers.go`): one serialized worker per pod UID; updates
 * coalesce (the worker always works on the newest pod), and a worker re-runs on PLEG events, on
 * its resync timer and when its own actions moved the runtime.
 *
 * The lifecycle of a pod, as a worker drives it:
 *
 *   update(pod) ─▶ SyncPod ◀──── PLEG event / resync timer / own changes
 *                    │  deletionTimestamp set, removed from the API, or the phase became terminal
 *                    ▼
 *                 TerminatingPod: stop containers within the grace period (deletionGracePeriodSeconds,
 *                    │            else terminationGracePeriodSeconds), stop sandboxes, final status
 *                    ▼
 *                 TerminatedPod ── terminal but still in the API, not deleted: keep containers and logs
 *                    │             (`kubectl logs`), wait here for the deletion
 *                    │  deleted or removed: remove sandboxes, containers, pod/log dirs, cgroup
 *                    ▼
 *                 Finished: deletePod(pod) for API pods (the object goes away); remove(pod) forgets the worker
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import { isTerminalPhase } from '../status/phase.js';

export type PodWorkState = 'SyncPod' | 'TerminatingPod' | 'TerminatedPod' | 'Finished';

export interface SyncPodOutcome {
  /** The pod reached Succeeded/Failed: terminate it. */
  terminal: boolean;
  /** The runtime moved: sync again at once. */
  changed: boolean;
  /** Sync again after this delay at the latest (a back-off expiring), else the resync period. */
  retryAfterMs: number | null;
}

/** The work a worker does in each state; the pod workers only sequence it. */
export interface PodSyncer {
  syncPod(pod: Pod): Promise<SyncPodOutcome>;
  /** `orphaned`: the pod is gone from the API (no status to write). */
  syncTerminatingPod(pod: Pod, gracePeriodSeconds: number, orphaned: boolean): Promise<void>;
  /** Removes what is left of the pod in the runtime and on disk. */
  cleanupPod(pod: Pod): Promise<void>;
  deletePod(pod: Pod): Promise<void>;
}

export interface PodWorkersOptions {
  clock: Clock;
  logger: Logger;
  /** Periodic sync of a running pod (default 10 s). */
  resyncIntervalMs?: number;
}

interface PodWorker {
  uid: string;
  pod: Pod;
  state: PodWorkState;
  /** Gone from the API (or never there: an orphan found in the runtime). */
  removed: boolean;
  pending: boolean;
  running: boolean;
  timer: { cancel(): void } | null;
}

/** The grace period a deletion asked for, else the pod's own. */
export const gracePeriodOf = (pod: Pod): number =>
  pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;

export class PodWorkers {
  private readonly workers = new Map<string, PodWorker>();
  private started = false;
  private readonly resyncMs: number;

  constructor(
    private readonly syncer: PodSyncer,
    private readonly options: PodWorkersOptions,
  ) {
    this.resyncMs = options.resyncIntervalMs ?? 10_000;
  }

  state(uid: string): PodWorkState | undefined {
    return this.workers.get(uid)?.state;
  }
  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  update(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      w = { uid, pod, state: 'SyncPod', removed: false, pending: false, running: false, timer: null };
      this.workers.set(uid, w);
    }
    if (w.state === 'Finished') return;
    w.pod = pod;
    if (w.state === 'SyncPod' && (pod.metadata?.deletionTimestamp || isTerminalPhase(pod.status?.phase))) {
      w.state = 'TerminatingPod';
    }
    this.kick(w);
  }

  /** The pod is gone from the API: stop what runs for it and forget it. */
  remove(pod: Pod): void {
    const w = this.workers.get(pod.metadata?.uid ?? '');
    if (!w) return;
    w.removed = true;
    if (w.state === 'Finished') {
      this.forget(w);
      return;
    }
    if (w.state === 'SyncPod') w.state = 'TerminatingPod';
    this.kick(w);
  }

  /** A pod the runtime holds but nobody asked for: terminate and clean it up. */
  adoptOrphan(stub: Pod): void {
    const uid = stub.metadata?.uid ?? '';
    if (this.workers.has(uid)) return;
    const w: PodWorker = {
      uid,
      pod: stub,
      state: 'TerminatingPod',
      removed: true,
      pending: false,
      running: false,
      timer: null,
    };
    this.workers.set(uid, w);
    this.kick(w);
  }

  /** Wakes the pod's worker (PLEG events). */
  sync(uid: string): void {
    const w = this.workers.get(uid);
    if (w) this.kick(w);
  }

  start(): void {
    this.started = true;
    for (const w of this.workers.values()) this.kick(w);
  }

  stop(): void {
    this.started = false;
    for (const w of this.workers.values()) w.timer?.cancel();
  }

  private forget(w: PodWorker): void {
    w.timer?.cancel();
    this.workers.delete(w.uid);
  }

  private schedule(w: PodWorker, ms: number): void {
    w.timer?.cancel();
    w.timer = this.options.clock.setTimeout(() => this.kick(w), ms);
  }

  private kick(w: PodWorker): void {
    w.pending = true;
    if (!this.started || w.running) return;
    w.running = true;
    void this.run(w);
  }

  private async run(w: PodWorker): Promise<void> {
    try {
      while (w.pending && this.started) {
        w.pending = false;
        try {
          await this.step(w);
        } catch (err) {
          this.options.logger.error(
            { err, pod: w.pod.metadata?.name, state: w.state },
            'pod worker step failed',
          );
          this.schedule(w, this.resyncMs);
        }
      }
    } finally {
      w.running = false;
    }
  }

  private async step(w: PodWorker): Promise<void> {
    const pod = w.pod;
    switch (w.state) {
      case 'SyncPod': {
        const outcome = await this.syncer.syncPod(pod);
        if (outcome.terminal) {
          w.state = 'TerminatingPod';
          w.pending = true;
        } else if (outcome.changed) {
          w.pending = true;
        } else {
          this.schedule(w, Math.min(outcome.retryAfterMs ?? this.resyncMs, this.resyncMs));
        }
        return;
      }
      case 'TerminatingPod':
        await this.syncer.syncTerminatingPod(pod, gracePeriodOf(pod), w.removed);
        w.state = 'TerminatedPod';
        w.pending = true;
        return;
      case 'TerminatedPod': {
        const deleted = w.removed || Boolean(pod.metadata?.deletionTimestamp);
        if (!deleted) return; // terminal, kept until deleted
        await this.syncer.cleanupPod(pod);
        if (!w.removed) await this.syncer.deletePod(pod);
        w.state = 'Finished';
        w.timer?.cancel();
        if (w.removed) this.forget(w);
        return;
      }
      case 'Finished':
        return;
    }
  }
}
