/**
 * Exponential back-off per key (upstream `flowcontrol.Backoff`), on an injected clock: restarts
 * of a crashed container (CrashLoopBackOff) and image pulls (ImagePullBackOff). The delay
 * starts at 10 s and doubles up to 5 min; an entry not touched for twice the maximum (a
 * container that ran 10 min) starts over.
 *
 * `isInBackOffSince` is a query (the plan reads it); `next` records an attempt (the executor).
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  private expired(entry: Entry, at: number): boolean {
    return at - entry.lastUpdate > 2 * this.maxMs;
  }

  /** The current delay for `key` (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records an attempt at `eventTime`: the first one (or one after a long quiet) gets the initial delay, others double it. */
  next(key: string, eventTime: Date): void {
    const at = eventTime.getTime();
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, at)) {
      this.entries.set(key, { delayMs: this.initialMs, lastUpdate: at });
      return;
    }
    entry.delayMs = Math.min(entry.delayMs * 2, this.maxMs);
    entry.lastUpdate = at;
  }

  /** Whether `now` is still within the delay counted from `eventTime` (e.g. the container's exit). */
  isInBackOffSince(key: string, eventTime: Date, now: Date): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now.getTime())) return false;
    return now.getTime() - eventTime.getTime() < entry.delayMs;
  }

  /** Whether `now` is within the delay counted from the last recorded attempt (image pulls). */
  isInBackOffSinceUpdate(key: string, now: Date): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now.getTime())) return false;
    return now.getTime() - entry.lastUpdate < entry.delayMs;
  }

  /** Forgets keys with this prefix (a pod's keys when it goes away). */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** A duration as Go prints it (`10s`, `1m20s`, `5m0s`), as upstream's back-off messages do. */
export function formatGoDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
