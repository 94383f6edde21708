/**
 * The event correlator (upstream client-go `tools/record/events_cache.go`), on an injected clock.
 * Every event about to be written goes through three steps, in this order:
 *
 *   aggregate — events alike but for their message (same source, object, type, reason, reporting
 *               controller and instance) are counted per group; from the 10th distinct message
 *               seen within 10 minutes of the group's last event, a new message is not written as
 *               itself but folds into one Event "(combined from similar events): <message>";
 *   observe   — an event identical to one already written (same source, object incl. fieldPath,
 *               type, reason, message) becomes a patch of that Event: count + 1, lastTimestamp,
 *               message. Observations are counted even when the spam filter then drops the event;
 *   spam      — a token bucket per source + object + type + reason (burst 25, one more token
 *               every 5 minutes): past it, the event is skipped.
 *
 * `correlate` decides; the recorder writes and then tells `updateState` what the server holds.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../util/clock.js';
import { realClock } from '../../util/clock.js';
import { Lru } from './lru.js';
import type { EventPatch } from './sink.js';
import { truncateMessage } from './util.js';

export interface CorrelatorOptions {
  clock?: Pick<Clock, 'now'>;
  /** Entries each cache remembers, least recently used dropped first (default 4096). */
  cacheSize?: number;
  /** Events a spam key may send at once (default 25). */
  burst?: number;
  /** One more token per spam key every this many ms (default 300 000: upstream's qps of 1/300). */
  refillMs?: number;
  /** Distinct messages of a group within the interval from which events are combined (default 10). */
  maxEvents?: number;
  /** A group idle longer than this starts over (default 600 000: 10 minutes). */
  maxIntervalMs?: number;
}

export type Correlation =
  | { action: 'create'; event: Event }
  | { action: 'patch'; event: Event; patch: EventPatch }
  | { action: 'skip'; event: Event };

export const COMBINED_PREFIX = '(combined from similar events): ';

const join = (parts: Array<string | number | undefined>): string => parts.map((p) => p ?? '').join('\x00');

const source = (e: Event) => [e.source?.component, e.source?.host];
const object = (e: Event) => {
  const o = e.involvedObject;
  return [o.kind, o.namespace, o.name, o.uid, o.apiVersion];
};

/** Identical events (upstream `getEventKey`): these count up one Event. */
const eventKey = (e: Event): string =>
  join([...source(e), ...object(e), e.involvedObject.fieldPath, e.type, e.reason, e.message]);

/** What the spam filter limits per (upstream `getSpamKey`; type and reason since kubernetes#124747). */
const spamKey = (e: Event): string => join([...source(e), ...object(e), e.type, e.reason]);

/** The group of events alike but for their message (upstream `EventAggregatorByReasonFunc`). */
const aggregateKey = (e: Event): string =>
  join([...source(e), ...object(e), e.type, e.reason, e.reportingComponent, e.reportingInstance]);

interface Bucket {
  tokens: number;
  at: number;
}

interface Group {
  messages: Set<string>;
  last: number;
}

/** What is known of an Event written (or about to be): enough to patch it. */
interface Observation {
  count: number;
  firstTimestamp: string | undefined;
  name: string | undefined;
  resourceVersion: string | undefined;
}

export class EventCorrelator {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly buckets: Lru<Bucket>;
  private readonly groups: Lru<Group>;
  private readonly observed: Lru<Observation>;

  constructor(o: CorrelatorOptions = {}) {
    this.clock = o.clock ?? realClock;
    this.burst = o.burst ?? 25;
    this.refillMs = o.refillMs ?? 300_000;
    this.maxEvents = o.maxEvents ?? 10;
    this.maxIntervalMs = o.maxIntervalMs ?? 600_000;
    const size = o.cacheSize ?? 4096;
    this.buckets = new Lru(size);
    this.groups = new Lru(size);
    this.observed = new Lru(size);
  }

  /** What to do with `event`: create it, patch the Event it repeats, or skip it as spam. */
  correlate(event: Event): Correlation {
    const { event: aggregated, key } = this.aggregate(event);
    const { event: observed, patch } = this.observe(aggregated, key);
    if (!this.allow(observed)) return { action: 'skip', event: observed };
    return patch ? { action: 'patch', event: observed, patch } : { action: 'create', event: observed };
  }

  /** The server holds `event` as answered (its name, resourceVersion and count). */
  updateState(event: Event): void {
    this.observed.set(eventKey(event), observationOf(event));
  }

  private aggregate(event: Event): { event: Event; key: string } {
    const now = this.clock.now();
    const groupKey = aggregateKey(event);
    const message = event.message ?? '';
    let group = this.groups.get(groupKey);
    if (!group || now - group.last > this.maxIntervalMs) group = { messages: new Set(), last: now };
    group.messages.add(message);
    group.last = now;
    this.groups.set(groupKey, group);
    if (group.messages.size < this.maxEvents) return { event, key: eventKey(event) };
    // the set stays below the limit: the messages already in it keep counting as themselves
    group.messages.delete(message);
    const combined: Event = {
      ...event,
      metadata: { name: event.metadata?.name ?? '', namespace: event.metadata?.namespace ?? 'default' },
      message: truncateMessage(COMBINED_PREFIX + message),
      count: 1,
      firstTimestamp: event.lastTimestamp ?? '',
      lastTimestamp: event.lastTimestamp ?? '',
    };
    return { event: combined, key: groupKey };
  }

  private observe(event: Event, key: string): { event: Event; patch?: EventPatch } {
    const last = this.observed.get(key);
    if (!last || last.count < 1) {
      this.observed.set(key, observationOf(event));
      return { event };
    }
    const { name, resourceVersion } = last;
    const repeat: Event = {
      ...event,
      metadata: {
        ...event.metadata,
        ...(name ? { name } : {}),
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      count: last.count + 1,
      ...(last.firstTimestamp ? { firstTimestamp: last.firstTimestamp } : {}),
    };
    this.observed.set(key, observationOf(repeat));
    const patch: EventPatch = {
      count: last.count + 1,
      lastTimestamp: repeat.lastTimestamp ?? '',
      message: repeat.message ?? '',
    };
    return { event: repeat, patch };
  }

  /** Takes a token of the event's spam key, when one is left. */
  private allow(event: Event): boolean {
    const now = this.clock.now();
    const key = spamKey(event);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) / this.refillMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return allowed;
  }
}

const observationOf = (e: Event): Observation => ({
  count: e.count ?? 1,
  firstTimestamp: e.firstTimestamp,
  name: e.metadata?.name,
  resourceVersion: e.metadata?.resourceVersion,
});
