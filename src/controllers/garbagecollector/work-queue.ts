/**
 * A rate-limited work queue of string keys, after client-go's workqueue: a key waiting in the
 * queue is held once however often it is added; a key being processed is not handed to a second
 * worker, and if it is added meanwhile it comes back once the first worker is done. Failed keys
 * come back after a delay that doubles with every consecutive failure.
 */

import { type Clock, realClock } from '../../util/clock.js';

export interface WorkQueueOptions {
  /** Delay after the first failure of a key (ms). */
  baseDelayMs?: number;
  /** Cap on the delay between retries of a key (ms). */
  maxDelayMs?: number;
  /** Clock for due times of delayed keys (timers stay real). */
  now?: () => number;
  /** Clock for due times and the timer of delayed keys (takes precedence over `now`). */
  clock?: Clock;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  /** Keys that need processing (waiting in `ready`, or re-added while being processed). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  /** Keys added with a delay, by when they are due. */
  private readonly delayed = new Map<string, number>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private cancelTimer: (() => void) | undefined;
  private timerDue = Infinity;
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 300_000;
    const now = options.now;
    this.clock = options.clock ?? (now ? { now, setTimer: realClock.setTimer } : realClock);
  }

  private now(): number {
    return this.clock.now();
  }

  /** Keys waiting to be handed out (not counting delayed ones or ones being processed). */
  get length(): number {
    return this.ready.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.handOut();
  }

  /** Adds the key once `delayMs` has passed (the earliest due time wins when added twice). */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = this.now() + delayMs;
    const current = this.delayed.get(key);
    if (current !== undefined && current <= due) return;
    this.delayed.set(key, due);
    this.schedule();
  }

  /** Adds the key back after its backoff: base × 2^(failures so far), capped. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs));
  }

  /** Clears the key's failure count (after it was processed successfully). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process (its worker must call `done`), or undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.ready.push(key);
      this.handOut();
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.delayed.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  private take(): string | undefined {
    if (this.shuttingDown) return undefined;
    const key = this.ready.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private handOut(): void {
    while (this.getters.length && this.ready.length) {
      const resolve = this.getters.shift();
      const key = this.take();
      if (resolve && key !== undefined) resolve(key);
    }
  }

  /** Keeps one timer armed for the earliest delayed key. */
  private schedule(): void {
    let earliest = Infinity;
    for (const due of this.delayed.values()) earliest = Math.min(earliest, due);
    if (earliest === Infinity || (this.cancelTimer && earliest >= this.timerDue)) return;
    this.cancelTimer?.();
    this.timerDue = earliest;
    this.cancelTimer = this.clock.setTimer(() => this.fire(), Math.max(0, earliest - this.now()));
  }

  private fire(): void {
    // Whatever the timer was armed for is due, even if the clock says otherwise.
    const cutoff = Math.max(this.timerDue, this.now());
    this.cancelTimer = undefined;
    this.timerDue = Infinity;
    for (const [key, due] of [...this.delayed]) {
      if (due > cutoff) continue;
      this.delayed.delete(key);
      this.add(key);
    }
    this.schedule();
  }
}
