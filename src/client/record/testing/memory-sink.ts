/**
 * An in-memory `EventSink` for the recorder's tests: Events by namespace/name, a log of the
 * writes (`create <reason>`, `patch <reason> <count>`), and switches to fail or hold writes.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { notFound } from '../../../apimachinery/errors.js';
import type { EventSink } from '../sink.js';

export interface MemorySink extends EventSink {
  events: Map<string, Event>;
  calls: string[];
  /** Makes every write throw this while set. */
  fail: Error | null;
  /** Writes wait for this promise while set. */
  hold: Promise<void> | null;
}

export function memorySink(): MemorySink {
  let rv = 0;
  const key = (e: Event) => `${e.metadata?.namespace}/${e.metadata?.name}`;
  const sink: MemorySink = {
    events: new Map(),
    calls: [],
    fail: null,
    hold: null,
    async create(event) {
      if (sink.hold) await sink.hold;
      if (sink.fail) throw sink.fail;
      const stored = { ...event, metadata: { ...event.metadata, resourceVersion: String(++rv) } };
      sink.events.set(key(event), stored);
      sink.calls.push(`create ${event.reason}`);
      return stored;
    },
    async update(event) {
      if (sink.fail) throw sink.fail;
      if (!sink.events.has(key(event)))
        throw notFound({ group: '', resource: 'events' }, event.metadata?.name ?? '');
      const stored = { ...event, metadata: { ...event.metadata, resourceVersion: String(++rv) } };
      sink.events.set(key(event), stored);
      sink.calls.push(`update ${event.reason}`);
      return stored;
    },
    async patch(event, patch) {
      if (sink.hold) await sink.hold;
      if (sink.fail) throw sink.fail;
      const cur = sink.events.get(key(event));
      if (!cur) throw notFound({ group: '', resource: 'events' }, event.metadata?.name ?? '');
      const stored = { ...cur, ...patch, metadata: { ...cur.metadata, resourceVersion: String(++rv) } };
      sink.events.set(key(event), stored);
      sink.calls.push(`patch ${cur.reason} ${patch.count}`);
      return stored;
    },
  };
  return sink;
}
