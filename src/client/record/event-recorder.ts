/**
 * Recording core/v1 Events about objects (upstream client-go `tools/record`). A component makes
 * one `EventBroadcaster` over an `EventSink` and gets an `EventRecorder` per source from it:
 *
 *   recorder.event(ref, type, reason, message)      ← controllers, scheduler, kubelet (never wait)
 *        │ the Event, stamped now and named `<object>.<hex nanoseconds>`
 *        ▼ bounded queue (1000; beyond it, dropped with a log), one writer, in order
 *   correlator (correlator.ts): combine similar → count identical (PATCH) | skip spam | POST new
 *        ▼
 *   sink.create / sink.patch; a patched Event that is gone (NotFound) is created again
 *
 * Events are best effort: a write the API refuses or cannot take is logged and dropped, and
 * recording never throws nor holds up its caller.
 */
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { KubeObject } from '../resource.js';
import { type CorrelatorOptions, EventCorrelator } from './correlator.js';
import type { EventSink } from './sink.js';
import { rfc3339, truncateMessage } from './util.js';

export { truncateMessage } from './util.js';

export type EventType = 'Normal' | 'Warning';

/** What an event is about: an object reference (kind and apiVersion are the caller's to give). */
export type InvolvedObject = Pick<
  ObjectReference,
  'apiVersion' | 'kind' | 'namespace' | 'name' | 'uid' | 'resourceVersion' | 'fieldPath'
>;

/** A reference to `obj` as a `kind` of `apiVersion` (objects read from a registry may lack both). */
export function referenceTo(obj: KubeObject, apiVersion: string, kind: string): InvolvedObject {
  const meta = obj.metadata ?? {};
  return {
    apiVersion,
    kind,
    name: meta.name ?? '',
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ...(meta.uid ? { uid: meta.uid } : {}),
    ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

/** Who records: the Event's `source` and `reportingComponent` / `reportingInstance`. */
export interface EventSource {
  /** `source.component` and `reportingComponent`: `kubelet`, `replicaset-controller`, … */
  component: string;
  /** `source.host` (the kubelet's node name); left out when not given. */
  host?: string;
  /** `reportingInstance`; default: `host`, or left out. */
  reportingInstance?: string;
}

export interface EventBroadcasterOptions extends CorrelatorOptions {
  sink: EventSink;
  logger: Logger;
  clock?: Pick<Clock, 'now'>;
  /** Events waiting to be written at most (default 1000). */
  queueSize?: number;
}

/** Cluster-scoped objects' events live in `default`, as upstream's recorder puts them. */
const eventNamespace = (ref: InvolvedObject): string => ref.namespace || 'default';

/** The queue, the correlator and the writer shared by the recorders made from it. */
export class EventBroadcaster {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly correlator: EventCorrelator;
  private readonly queue: Event[] = [];
  private draining: Promise<void> | null = null;
  private seq = 0;
  private stopped = false;

  constructor(private readonly o: EventBroadcasterOptions) {
    this.clock = o.clock ?? realClock;
    this.correlator = new EventCorrelator({ ...o, clock: this.clock });
  }

  newRecorder(source: EventSource): EventRecorder {
    return new EventRecorder(this, source);
  }

  /** Resolves once every queued event was written or dropped. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Drops what is queued; later events are ignored. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Builds the Event now and queues it; returns at once. */
  record(
    source: EventSource,
    ref: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    action?: string,
  ): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.o.queueSize ?? 1000)) {
      this.o.logger.debug({ reason, object: describe(ref) }, 'event queue full; event dropped');
      return;
    }
    const now = this.clock.now();
    // upstream names events `<object>.<unix nanoseconds in hex>`; the counter keeps them apart
    const stamp = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const instance = source.reportingInstance ?? source.host;
    this.queue.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name || 'object'}.${stamp.toString(16)}`, namespace: eventNamespace(ref) },
      involvedObject: { ...ref },
      reason,
      message: truncateMessage(message),
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      ...(action ? { action } : {}),
      reportingComponent: source.component,
      ...(instance ? { reportingInstance: instance } : {}),
    });
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) await this.write(e);
    } finally {
      this.draining = null;
    }
  }

  private async write(event: Event): Promise<void> {
    const c = this.correlator.correlate(event);
    const { sink, logger } = this.o;
    try {
      let written: Event;
      switch (c.action) {
        case 'skip':
          logger.debug(
            { reason: event.reason, object: describe(event.involvedObject) },
            'event spam dropped',
          );
          return;
        case 'patch':
          try {
            written = await sink.patch(c.event, c.patch);
          } catch (err) {
            if (!isNotFound(err)) throw err;
            written = await sink.create(withoutResourceVersion(c.event));
          }
          break;
        case 'create':
          written = await sink.create(withoutResourceVersion(c.event));
          break;
        default: {
          const never: never = c;
          throw new Error(`unknown correlation ${JSON.stringify(never)}`);
        }
      }
      this.correlator.updateState(written);
    } catch (err) {
      const fields = { reason: event.reason, object: describe(event.involvedObject), err: String(err) };
      if (isAlreadyExists(err)) logger.debug(fields, 'event already recorded');
      else logger.warn(fields, 'event not recorded');
    }
  }
}

/** Records events from one source; made by `EventBroadcaster.newRecorder`. */
export class EventRecorder {
  constructor(
    private readonly broadcaster: EventBroadcaster,
    private readonly source: EventSource,
  ) {}

  /** Queues an event about `ref`; returns at once, never throws. */
  event(
    ref: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    options: { action?: string } = {},
  ): void {
    this.broadcaster.record(this.source, ref, type, reason, message, options.action);
  }
}

const describe = (ref: InvolvedObject): string =>
  `${ref.kind ?? ''} ${ref.namespace ?? ''}/${ref.name ?? ''}`;

function withoutResourceVersion(event: Event): Event {
  if (!event.metadata?.resourceVersion) return event;
  const { resourceVersion: _, ...metadata } = event.metadata;
  return { ...event, metadata };
}
