/**
 * Recording core/v1 Events about objects (upstream's client-go tools/record): a component gets an
 * `EventRecorder` carrying its name (the Event's `source.component` and `reportingComponent`)
 * and records `(object, type, reason, message)`. A repeat of an event already recorded (same
 * object, type, reason and message) raises the existing Event's `count` and `lastTimestamp`
 * instead of writing another, as client-go's EventCorrelator does (without its spam filter).
 *
 * Recording never fails the caller: a write that does not go through is logged and dropped, as
 * upstream drops events it cannot deliver. Events go through a narrow `EventSink`, so the same
 * recorder serves in-process controllers (`apiEventSink`) and anything else that can write Events.
 */
import { hostname } from 'node:os';
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { KubeObject } from '../../registry/resource.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';

export type EventType = 'Normal' | 'Warning';

/** Where Events are written: create one, or update one by name (for aggregation). */
export interface EventSink {
  create(namespace: string, event: Event): Promise<void>;
  update(namespace: string, name: string, mutate: (e: Event) => Event): Promise<void>;
}

/** The sink of the in-process control plane: core/v1 events through the API's registry. */
export function apiEventSink(api: Api): EventSink {
  const events = () => api.registry('', 'v1', 'events');
  return {
    async create(namespace, event) {
      await events().create(namespace, event as KubeObject);
    },
    async update(namespace, name, mutate) {
      await events().guaranteedUpdate(namespace, name, (obj) => mutate(obj as Event) as KubeObject);
    },
  };
}

export interface EventRecorderOptions {
  sink: EventSink;
  /** `source.component` / `reportingComponent`: `replicaset-controller`, `node-controller`, … */
  component: string;
  logger: Logger;
  /** The host name: events report `<component>-<host>` as their instance. Default: os.hostname(). */
  host?: string;
  clock?: Clock;
  /** How many distinct events to remember for aggregation. */
  cacheSize?: number;
}

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

const NOTE_LENGTH_LIMIT = 1024;

/** Messages longer than upstream's limit keep their start, marked with " ...". */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Cluster-scoped objects' events live in `default`, as upstream's recorder puts them. */
const eventNamespace = (ref: InvolvedObject): string => ref.namespace || 'default';

export class EventRecorder {
  private readonly clock: Clock;
  private readonly host: string;
  private readonly seen = new Map<string, { namespace: string; name: string }>();
  private seq = 0;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.host = o.host ?? hostname();
  }

  get component(): string {
    return this.o.component;
  }

  /** Records one event; resolves once it is written (or dropped), never rejects. */
  async event(ref: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = eventNamespace(ref);
    const note = truncateMessage(message);
    const key = [ref.kind, ref.namespace, ref.name, ref.uid, type, reason, note].join('\x00');
    const now = this.clock.now();
    try {
      const prior = this.seen.get(key);
      if (prior) {
        try {
          await this.o.sink.update(prior.namespace, prior.name, (e) => ({
            ...e,
            count: (e.count ?? 1) + 1,
            lastTimestamp: rfc3339(now),
          }));
          this.remember(key, prior);
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      const stamp = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
      const name = `${ref.name ?? 'object'}.${stamp.toString(16)}`;
      const event: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { ...ref },
        reason,
        message: note,
        source: { component: this.o.component },
        firstTimestamp: rfc3339(now),
        lastTimestamp: rfc3339(now),
        count: 1,
        type,
        reportingComponent: this.o.component,
        reportingInstance: `${this.o.component}-${this.host}`,
      };
      await this.o.sink.create(namespace, event);
      this.remember(key, { namespace, name });
    } catch (err) {
      this.o.logger.warn(
        { err: String(err), reason, object: `${ref.kind ?? ''} ${ref.namespace ?? ''}/${ref.name ?? ''}` },
        'recording event',
      );
    }
  }

  private remember(key: string, ref: { namespace: string; name: string }): void {
    this.seen.delete(key);
    this.seen.set(key, ref);
    const max = this.o.cacheSize ?? 4096;
    while (this.seen.size > max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}

/** A recorder for an in-process controller, writing through `api`. */
export function newControllerRecorder(
  api: Api,
  component: string,
  logger: Logger,
  clock?: Clock,
): EventRecorder {
  return new EventRecorder({ sink: apiEventSink(api), component, logger, ...(clock ? { clock } : {}) });
}
