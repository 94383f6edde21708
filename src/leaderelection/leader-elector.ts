/**
 * Lease-based leader election (client-go's leaderelection):
 *
 *   acquire: every retryPeriod (jittered) try to take the lock — create it, or take it over
 *            once the holder has not renewed for leaseDuration (measured on *our* clock from
 *            when we last saw the record change, so clock skew between candidates is harmless)
 *   lead:    onStartedLeading(signal); renew every retryPeriod; a renewal that keeps failing
 *            for renewDeadline loses the lease → the signal aborts, onStoppedLeading
 *   stop:    with releaseOnCancel the lock is handed back (empty holder, 1 s) on shutdown
 */
import type { Logger } from '../util/log.js';
import { type Clock, realClock, sleep } from './clock.js';
import { type LeaderElectionRecord, type LeaseLock, type ObservedRecord, microTime } from './lease-lock.js';

export interface LeaderElectionCallbacks {
  /** Runs while leading; `signal` aborts when the lease is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  lock: LeaseLock;
  identity: string;
  callbacks: LeaderElectionCallbacks;
  logger: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  releaseOnCancel?: boolean;
  clock?: Clock;
  random?: () => number;
}

const jitterFactor = 1.2;

export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: ObservedRecord | undefined;
  private observedTime = 0;
  private reportedLeader = '';

  constructor(private readonly o: LeaderElectorOptions) {
    this.clock = o.clock ?? realClock;
    this.leaseDurationMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= jitterFactor * this.retryPeriodMs) {
      throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
    }
  }

  isLeader(): boolean {
    return this.observed?.record.holderIdentity === this.o.identity;
  }

  /** Campaigns, leads and renews until the signal aborts or the lease is lost. */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leading = new AbortController();
    const stop = () => leading.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.o.logger.info(
      { lock: this.o.lock.describe(), identity: this.o.identity },
      'successfully acquired lease',
    );
    void Promise.resolve()
      .then(() => this.o.callbacks.onStartedLeading(leading.signal))
      .catch((err: unknown) => this.o.logger.error({ err: String(err) }, 'leader callback failed'));
    await this.renew(signal);
    signal.removeEventListener('abort', stop);
    leading.abort();
    if (signal.aborted && this.o.releaseOnCancel) await this.release();
    this.o.callbacks.onStoppedLeading?.();
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      const jitter = this.retryPeriodMs * jitterFactor * (this.o.random ?? Math.random)();
      await sleep(this.clock, this.retryPeriodMs + jitter, signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when the signal aborts or renewal failed for renewDeadline. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted) {
        if (await this.tryAcquireOrRenew()) {
          renewed = true;
          break;
        }
        if (this.clock.now() + this.retryPeriodMs > deadline) break;
        await sleep(this.clock, this.retryPeriodMs, signal);
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.o.logger.warn({ lock: this.o.lock.describe() }, 'failed to renew lease: timed out');
        return;
      }
    }
  }

  /** One attempt at taking or keeping the lock (client-go's tryAcquireOrRenew). */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const record: LeaderElectionRecord = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaderTransitions: 0,
    };
    let current: ObservedRecord | undefined;
    try {
      current = await this.o.lock.get();
      if (!current) {
        await this.o.lock.create(record);
        this.setObserved({ record, raw: '' }, now);
        return true;
      }
    } catch (err) {
      this.o.logger.debug({ err: String(err) }, 'error retrieving or creating lease');
      return false;
    }
    if (!this.observed || this.observed.raw !== current.raw) this.setObserved(current, now);
    const old = current.record;
    const valid = this.observedTime + old.leaseDurationSeconds * 1000 > now;
    if (old.holderIdentity && valid && !this.isLeader()) return false;
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
    } else {
      record.leaderTransitions = old.leaderTransitions + 1;
    }
    try {
      await this.o.lock.update(record);
    } catch (err) {
      this.o.logger.debug({ err: String(err) }, 'failed to update lease');
      return false;
    }
    this.setObserved({ record, raw: '' }, now);
    return true;
  }

  private async release(): Promise<void> {
    if (!this.isLeader() || !this.observed) return;
    const now = this.clock.now();
    try {
      await this.o.lock.update({
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaderTransitions: this.observed.record.leaderTransitions,
      });
    } catch (err) {
      this.o.logger.warn({ err: String(err) }, 'failed to release lease');
    }
  }

  private setObserved(o: ObservedRecord, now: number): void {
    this.observed = o;
    this.observedTime = now;
    const holder = o.record.holderIdentity;
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      this.o.callbacks.onNewLeader?.(holder);
    }
  }
}
