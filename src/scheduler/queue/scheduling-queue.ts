/**
 * The scheduling queue (upstream's PriorityQueue):
 *
 *   add ─► activeQ (QueueSort order) ─► pop: in flight ─► scheduled / bound → done
 *     gated pods (schedulingGates) wait aside        │ failed
 *                                                    ▼
 *   unschedulable pods ◄── addUnschedulableIfNotPresent ──► backoffQ (1 s doubling to 10 s)
 *     │ a relevant cluster event (or 5 min)                   │ backoff over (1 s flush)
 *     └──────────────────► backoffQ or activeQ ◄──────────────┘
 *
 * Events seen while a pod is in flight are kept until it is done, so a pod that fails after a
 * relevant event (e.g. a node added mid-cycle) goes to backoff instead of waiting for another.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { QueuedPodInfo } from '../framework/extensions.js';
import { type Clock, realClock } from '../util/clock.js';
import { type ClusterEvent, isPodUpdated, isRelevant } from './cluster-event.js';
import { Heap } from './heap.js';

export interface SchedulingQueueOptions {
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  clock?: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** How long a pod may sit in unschedulablePods before it is retried anyway. */
  podMaxInUnschedulablePodsMs?: number;
  backoffFlushIntervalMs?: number;
  unschedulableFlushIntervalMs?: number;
}

interface InFlight {
  /** Index into `events` when the pod was popped. */
  from: number;
  /** The pod itself changed while in flight. */
  updated: boolean;
}

export const podKey = (pod: Pod): string =>
  pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const infoKey = (p: QueuedPodInfo): string => podKey(p.pod);
const isGated = (pod: Pod): boolean => (pod.spec?.schedulingGates?.length ?? 0) > 0;

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Cluster events received while pods were in flight; `eventBase` is the index of events[0]. */
  private events: ClusterEvent[] = [];
  private eventBase = 0;
  private waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private cancelTimers: (() => void)[] = [];

  constructor(private readonly o: SchedulingQueueOptions) {
    this.clock = o.clock ?? realClock;
    this.initialBackoff = o.podInitialBackoffMs ?? 1000;
    this.maxBackoff = o.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulable = o.podMaxInUnschedulablePodsMs ?? 5 * 60_000;
    this.activeQ = new Heap(infoKey, o.less);
    this.backoffQ = new Heap(infoKey, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flushes (backoffQ every second, unschedulable pods every 30 s). */
  run(): void {
    const every = (ms: number, fn: () => void) => {
      const tick = () => {
        if (this.closed) return;
        fn();
        this.cancelTimers.push(this.clock.setTimer(tick, ms));
      };
      this.cancelTimers.push(this.clock.setTimer(tick, ms));
    };
    every(this.o.backoffFlushIntervalMs ?? 1000, () => this.flushBackoffQCompleted());
    every(this.o.unschedulableFlushIntervalMs ?? 30_000, () => this.flushUnschedulablePodsLeftover());
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const key = podKey(pod);
    if (this.inFlight.has(key)) return;
    this.unschedulable.delete(key);
    this.backoffQ.delete(key);
    this.gated.delete(key);
    const now = this.clock.now();
    const existing = this.activeQ.get(key);
    const info: QueuedPodInfo = existing
      ? { ...existing, pod }
      : { pod, timestamp: now, attempts: 0, initialAttemptTimestamp: now, unschedulablePlugins: new Set() };
    this.toActive(info);
  }

  /** A pending pod changed. */
  update(old: Pod, pod: Pod): void {
    const key = podKey(pod);
    const flight = this.inFlight.get(key);
    if (flight) {
      if (isPodUpdated(old, pod)) flight.updated = true;
      return;
    }
    for (const q of [this.activeQ, this.backoffQ]) {
      const info = q.get(key);
      if (info) {
        if (isGated(pod)) {
          q.delete(key);
          this.gated.set(key, { ...info, pod });
        } else q.addOrUpdate({ ...info, pod });
        return;
      }
    }
    const waiting = this.unschedulable.get(key) ?? this.gated.get(key);
    if (!waiting) return this.add(pod);
    const info = { ...waiting, pod };
    if (this.gated.has(key) || isPodUpdated(old, pod)) {
      this.unschedulable.delete(key);
      this.gated.delete(key);
      this.queueAfterBackoff(info);
    } else {
      this.unschedulable.set(key, info);
    }
  }

  /** The pod is gone (deleted, or bound by someone else). */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
  }

  /** Waits for the next pod to schedule; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const info = this.activeQ.pop();
    if (info) return Promise.resolve(this.startFlight(info));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private startFlight(info: QueuedPodInfo): QueuedPodInfo {
    const next = { ...info, attempts: info.attempts + 1 };
    this.inFlight.set(infoKey(next), { from: this.eventBase + this.events.length, updated: false });
    return next;
  }

  /** The cycle of this pod is over (bound, requeued or dropped). */
  done(pod: Pod): void {
    this.inFlight.delete(podKey(pod));
    if (!this.inFlight.size) {
      this.eventBase += this.events.length;
      this.events = [];
      return;
    }
    const oldest = Math.min(...[...this.inFlight.values()].map((f) => f.from));
    const drop = oldest - this.eventBase;
    if (drop > 0) {
      this.events = this.events.slice(drop);
      this.eventBase = oldest;
    }
  }

  /**
   * A pod whose attempt failed: to unschedulablePods, unless an event that may help arrived
   * while it was in flight (or it failed with an error) — then it only waits out its backoff.
   */
  addUnschedulableIfNotPresent(info: QueuedPodInfo): void {
    const key = infoKey(info);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    const queued = { ...info, timestamp: this.clock.now() };
    const flight = this.inFlight.get(key);
    const seen = flight ? this.events.slice(flight.from - this.eventBase) : [];
    if (isGated(queued.pod)) {
      this.gated.set(key, queued);
    } else if (
      !queued.unschedulablePlugins.size ||
      flight?.updated ||
      isRelevant(queued.unschedulablePlugins, seen)
    ) {
      this.queueAfterBackoff(queued);
    } else {
      this.unschedulable.set(key, queued);
    }
    this.done(queued.pod);
  }

  /** Requeues the unschedulable pods `events` may help (upstream's MoveAllToActiveOrBackoffQueue). */
  moveAllToActiveOrBackoffQueue(events: readonly ClusterEvent[]): void {
    if (!events.length) return;
    if (this.inFlight.size) this.events.push(...events);
    for (const [key, info] of this.unschedulable) {
      if (!isRelevant(info.unschedulablePlugins, events)) continue;
      this.unschedulable.delete(key);
      this.queueAfterBackoff(info);
    }
  }

  flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const head = this.backoffQ.peek();
      if (!head || this.backoffExpiry(head) > now) return;
      this.backoffQ.pop();
      this.toActive(head);
    }
  }

  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    for (const [key, info] of this.unschedulable) {
      if (now - info.timestamp <= this.maxInUnschedulable) continue;
      this.unschedulable.delete(key);
      this.queueAfterBackoff(info);
    }
  }

  /** Backoff after `attempts` failures: initial × 2^(attempts-1), at most the maximum. */
  backoffDuration(attempts: number): number {
    if (attempts <= 0) return 0;
    let d = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return Math.min(d, this.maxBackoff);
  }

  private backoffExpiry(info: QueuedPodInfo): number {
    return info.timestamp + this.backoffDuration(info.attempts);
  }

  private queueAfterBackoff(info: QueuedPodInfo): void {
    if (this.backoffExpiry(info) > this.clock.now()) this.backoffQ.addOrUpdate(info);
    else this.toActive(info);
  }

  private toActive(info: QueuedPodInfo): void {
    if (isGated(info.pod)) {
      this.gated.set(infoKey(info), info);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.startFlight(info));
    else this.activeQ.addOrUpdate(info);
  }

  /** Where each pending pod is, for tests and debugging. */
  dump(): {
    active: string[];
    backoff: string[];
    unschedulable: string[];
    gated: string[];
    inFlight: string[];
  } {
    const names = (ps: QueuedPodInfo[]) => ps.map((p) => p.pod.metadata?.name ?? '').sort();
    return {
      active: names(this.activeQ.list()),
      backoff: names(this.backoffQ.list()),
      unschedulable: names([...this.unschedulable.values()]),
      gated: names([...this.gated.values()]),
      inFlight: [...this.inFlight.keys()].sort(),
    };
  }
}
