/**
 * The kubelet's event recorder (upstream client-go `tools/record`, as the kubelet sets it up):
 * core/v1 Events about pods and their containers, from source `kubelet` on this node.
 *
 *   record(pod, container?, type, reason, message)   ← the pod workers, prober, hooks (never wait)
 *        │ bounded queue (1000; beyond it, dropped with a log)
 *        ▼ one writer, in order
 *   correlator: spam filter → drop | identical to one written → PATCH count+1, lastTimestamp
 *                                  | new → POST an Event named `<pod>.<hex nanoseconds>`
 *
 * A write the API refuses or cannot take is logged and dropped: events are best effort and
 * never hold up a pod. A patched Event that is gone (NotFound) is created anew.
 */
import type { Event, ObjectReference, Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Logger } from '../../util/log.js';
import { type Clock, realClock } from '../lifecycle.js';
import { type CorrelatorOptions, EventCorrelator } from './correlator.js';
import type { EventType, PodEventRecorder } from './reasons.js';
import { containerReference, podReference } from './reference.js';

/** What the recorder needs of the events API. */
export interface EventsApi {
  create(event: Event, options: { namespace?: string }): Promise<unknown>;
  patch(
    name: string,
    patch: unknown,
    options: { namespace?: string; type?: 'strategic' | 'merge' },
  ): Promise<unknown>;
}

export interface EventRecorderOptions extends CorrelatorOptions {
  events: EventsApi;
  /** `source.host` and `reportingInstance`. */
  nodeName: string;
  logger: Logger;
  clock?: Clock;
  /** Events waiting to be written at most (default 1000). */
  queueSize?: number;
}

export const KUBELET_COMPONENT = 'kubelet';
const NOTE_LIMIT = 1024;

const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
/** Messages past upstream's 1 KiB keep their start, marked with " ...". */
const truncate = (m: string) => (m.length <= NOTE_LIMIT ? m : `${m.slice(0, NOTE_LIMIT - 4)} ...`);

export class EventRecorder implements PodEventRecorder {
  private readonly clock: Clock;
  private readonly correlator: EventCorrelator;
  private readonly queue: Array<{ event: Event; at: number }> = [];
  private draining: Promise<void> | null = null;
  private seq = 0;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.correlator = new EventCorrelator(o);
    this.log = o.logger.child({ component: 'events' });
  }

  pod(pod: Pod, type: EventType, reason: string, message: string): void {
    this.record(podReference(pod), type, reason, message);
  }

  container(pod: Pod, containerName: string, type: EventType, reason: string, message: string): void {
    this.record(containerReference(pod, containerName), type, reason, message);
  }

  /** Queues an event about `ref`; returns at once. */
  record(ref: ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.o.queueSize ?? 1000)) {
      this.log.debug({ reason, object: ref.name }, 'event queue full; event dropped');
      return;
    }
    const now = this.clock.now();
    // upstream names events `<object>.<unix nanoseconds in hex>`; the counter keeps them apart
    const stamp = BigInt(now.getTime()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const namespace = ref.namespace || 'default';
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name ?? 'object'}.${stamp.toString(16)}`, namespace },
      involvedObject: ref,
      reason,
      message: truncate(message),
      source: { component: KUBELET_COMPONENT, host: this.o.nodeName },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      reportingComponent: KUBELET_COMPONENT,
      reportingInstance: this.o.nodeName,
    };
    this.queue.push({ event, at: now.getTime() });
    this.draining ??= this.drain();
  }

  /** Resolves once every queued event was written or dropped. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Drops what is queued; later records are ignored. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) await this.write(e.event, e.at);
    } finally {
      this.draining = null;
    }
  }

  private async write(event: Event, at: number): Promise<void> {
    const namespace = event.metadata?.namespace ?? 'default';
    const decision = this.correlator.correlate(event, at);
    try {
      switch (decision.action) {
        case 'drop':
          this.log.debug({ reason: event.reason, object: event.involvedObject.name }, 'event spam dropped');
          return;
        case 'patch':
          try {
            await this.o.events.patch(
              decision.name,
              { count: decision.count, lastTimestamp: event.lastTimestamp, message: event.message },
              { namespace: decision.namespace, type: 'strategic' },
            );
            this.correlator.recordWritten(event, decision.namespace, decision.name, decision.count);
            return;
          } catch (err) {
            if (!isNotFound(err)) throw err;
            this.correlator.forget(event);
          }
          break;
        case 'create':
          break;
        default: {
          const never: never = decision;
          throw new Error(`unknown correlation ${JSON.stringify(never)}`);
        }
      }
      await this.o.events.create(event, { namespace });
      this.correlator.recordWritten(event, namespace, event.metadata?.name ?? '', 1);
    } catch (err) {
      this.log.warn(
        { reason: event.reason, object: event.involvedObject.name, err: (err as Error).message },
        'event not recorded',
      );
    }
  }
}
