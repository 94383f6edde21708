/**
 * Writes pod statuses to the API (upstream kubelet `status.Manager`), one writer per pod:
 * `setPodStatus` records the newest status and returns at once; the writer sends the latest one
 * (intermediate ones coalesce) through `updatePodStatus`, only when it differs from what was last
 * written ignoring condition timestamps, and never moves a pod out of Succeeded/Failed. A failed
 * write (the server is down, say) is retried after a back-off (1 s doubling to 10 s, upstream's
 * status sync period) or at the next `setPodStatus`, whichever comes first, so a pod that finished
 * while the server was away is reported once it is back.
 */
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import { stableJson } from '../kuberuntime/labels.js';
import { type Clock, realClock } from '../lifecycle.js';
import { isTerminalPhase } from './phase.js';

export interface StatusManagerOptions {
  updatePodStatus(pod: Pod, status: PodStatus): Promise<void>;
  logger: Logger;
  clock?: Clock;
}

const RETRY_INITIAL_MS = 1000;
const RETRY_MAX_MS = 10_000;

interface PodEntry {
  pod: Pod;
  /** The newest status, not yet written. */
  pending: PodStatus | null;
  /** Last status the API accepted. */
  written: PodStatus | null;
  writing: Promise<void> | null;
  /** Delay before the next retry of a failed write (0: none failed). */
  retryMs: number;
  retry: { cancel(): void } | null;
}

const withoutTimes = (c: PodCondition) => ({ ...c, lastProbeTime: undefined, lastTransitionTime: undefined });

/** Equality that ignores condition timestamps and condition order. */
export function statusEqual(a: PodStatus, b: PodStatus): boolean {
  const norm = (s: PodStatus) =>
    stableJson({
      ...s,
      conditions: [...(s.conditions ?? [])].map(withoutTimes).sort((x, y) => x.type.localeCompare(y.type)),
    });
  return norm(a) === norm(b);
}

export class StatusManager {
  private readonly pods = new Map<string, PodEntry>();

  constructor(private readonly options: StatusManagerOptions) {}

  /** The status this agent last computed for the pod (written or about to be). */
  get(uid: string): PodStatus | undefined {
    const e = this.pods.get(uid);
    return e?.pending ?? e?.written ?? undefined;
  }

  setPodStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid ?? '';
    const entry = this.pods.get(uid) ?? {
      pod,
      pending: null,
      written: null,
      writing: null,
      retryMs: 0,
      retry: null,
    };
    this.pods.set(uid, entry);
    entry.pod = pod;
    const old = entry.pending ?? entry.written ?? pod.status;
    let next = status;
    if (isTerminalPhase(old?.phase) && next.phase !== old.phase) {
      this.options.logger.warn(
        { pod: pod.metadata?.name, from: old.phase, to: next.phase },
        'refusing to leave a terminal phase',
      );
      next = { ...next, phase: old.phase };
    }
    const base = entry.written ?? pod.status;
    if (base && statusEqual(base, next)) {
      entry.pending = null;
      return;
    }
    entry.pending = next;
    this.startWriting(uid, entry);
  }

  private startWriting(uid: string, entry: PodEntry): void {
    entry.retry?.cancel();
    entry.retry = null;
    entry.writing ??= this.write(uid, entry);
  }

  private async write(uid: string, entry: PodEntry): Promise<void> {
    try {
      while (entry.pending) {
        const status = entry.pending;
        entry.pending = null;
        try {
          await this.options.updatePodStatus(entry.pod, status);
          entry.written = status;
          entry.retryMs = 0;
        } catch (err) {
          entry.pending ??= status;
          entry.retryMs = Math.min(entry.retryMs ? entry.retryMs * 2 : RETRY_INITIAL_MS, RETRY_MAX_MS);
          this.options.logger.warn(
            { err: (err as Error).message, pod: entry.pod.metadata?.name, retryInMs: entry.retryMs },
            'pod status update failed',
          );
          entry.retry = (this.options.clock ?? realClock).setTimeout(() => {
            entry.retry = null;
            if (this.pods.get(uid) === entry && entry.pending) this.startWriting(uid, entry);
          }, entry.retryMs);
          return;
        }
      }
    } finally {
      entry.writing = null;
    }
  }

  /** Resolves once the newest status of the pod has been sent (or failed). */
  async flush(uid: string): Promise<void> {
    const entry = this.pods.get(uid);
    while (entry?.writing) await entry.writing;
  }

  forget(uid: string): void {
    this.pods.get(uid)?.retry?.cancel();
    this.pods.delete(uid);
  }
}
