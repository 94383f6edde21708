/**
 * The event correlator (upstream client-go `tools/record/events_cache.go`), on an injected clock:
 *
 *   spam filter — a token bucket per source + object + type + reason + message (burst 25, one
 *                 more every 5 min): past it, the event is dropped;
 *   dedup       — an event identical to one already written (same source, object incl. fieldPath,
 *                 type, reason, message) becomes a patch of that Event: count + 1, lastTimestamp.
 *
 * Pure bookkeeping: the recorder asks `correlate`, writes, then tells `written`.
 */
import type { Event } from 'kubernetes-types/core/v1.js';

export interface CorrelatorOptions {
  /** Events allowed at once per spam key (default 25). */
  burst?: number;
  /** One more token every this many ms (default 300 000: 5 min). */
  refillMs?: number;
  /** Distinct events and spam keys remembered, least recently used dropped first (default 4096). */
  cacheSize?: number;
}

export type Correlation =
  | { action: 'create' }
  | { action: 'patch'; namespace: string; name: string; count: number }
  | { action: 'drop' };

interface Bucket {
  tokens: number;
  at: number;
}

const join = (parts: Array<string | number | undefined>) => parts.map((p) => p ?? '').join('\x00');

const objectKey = (e: Event) => {
  const o = e.involvedObject;
  return [o.kind, o.namespace, o.name, o.uid, o.apiVersion];
};

/** Identical events (upstream `getEventKey`). */
export const eventKey = (e: Event): string =>
  join([
    e.source?.component,
    e.source?.host,
    ...objectKey(e),
    e.involvedObject.fieldPath,
    e.type,
    e.reason,
    e.message,
  ]);

/** What the spam filter counts per (upstream `getSpamKey`). */
export const spamKey = (e: Event): string =>
  join([e.source?.component, e.source?.host, ...objectKey(e), e.type, e.reason, e.message]);

/** A Map that forgets its least recently used entries beyond `max`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

export class EventCorrelator {
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly buckets: Lru<Bucket>;
  private readonly written: Lru<{ namespace: string; name: string; count: number }>;

  constructor(o: CorrelatorOptions = {}) {
    this.burst = o.burst ?? 25;
    this.refillMs = o.refillMs ?? 300_000;
    this.buckets = new Lru(o.cacheSize ?? 4096);
    this.written = new Lru(o.cacheSize ?? 4096);
  }

  /** What to do with `event`, observed at `nowMs` (takes a token when it goes through). */
  correlate(event: Event, nowMs: number): Correlation {
    const sk = spamKey(event);
    const bucket = this.buckets.get(sk) ?? { tokens: this.burst, at: nowMs };
    const refilled = Math.floor((nowMs - bucket.at) / this.refillMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + refilled);
      bucket.at += refilled * this.refillMs;
    }
    if (bucket.tokens < 1) {
      this.buckets.set(sk, bucket);
      return { action: 'drop' };
    }
    bucket.tokens--;
    if (bucket.tokens === this.burst - 1) bucket.at = nowMs; // a full bucket starts refilling now
    this.buckets.set(sk, bucket);
    const prior = this.written.get(eventKey(event));
    return prior ? { action: 'patch', ...prior, count: prior.count + 1 } : { action: 'create' };
  }

  /** The event is on the server as `namespace/name` with `count`. */
  recordWritten(event: Event, namespace: string, name: string, count: number): void {
    this.written.set(eventKey(event), { namespace, name, count });
  }

  /** The Event written for this one is gone (its patch answered NotFound). */
  forget(event: Event): void {
    this.written.delete(eventKey(event));
  }
}
