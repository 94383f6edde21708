/**
 * core/v1 Events about pods, as the scheduler's recorder writes them: source and
 * reportingComponent are the profile's scheduler name. A repeat of the same event (same object,
 * type, reason and message) updates the existing Event's count and lastTimestamp instead of
 * creating another (client-go's EventCorrelator, without its rate limits).
 */
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { KubeObject } from '../../registry/resource.js';
import type { Logger } from '../../util/log.js';
import { type Clock, realClock } from '../util/clock.js';

export interface EventRecorderOptions {
  api: Api;
  logger: Logger;
  /** The host name: events report `<component>-<host>` as their instance. */
  host: string;
  clock?: Clock;
  /** How many distinct events to remember for aggregation. */
  cacheSize?: number;
}

const noteLengthLimit = 1024;

/** Upstream's truncateMessage: long messages keep their start and end with " ...". */
export function truncateMessage(message: string): string {
  if (message.length <= noteLengthLimit) return message;
  const suffix = ' ...';
  return message.slice(0, noteLengthLimit - suffix.length) + suffix;
}

const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export class EventRecorder {
  private readonly clock: Clock;
  private readonly seen = new Map<string, { namespace: string; name: string }>();
  private seq = 0;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
  }

  async eventf(
    component: string,
    pod: Pod,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    message: string,
  ): Promise<void> {
    const meta = pod.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const note = truncateMessage(message);
    const key = [component, meta.uid, namespace, meta.name, type, reason, note].join('\x00');
    const events = this.o.api.registry('', 'v1', 'events');
    const now = this.clock.now();
    try {
      const prior = this.seen.get(key);
      if (prior) {
        try {
          await events.guaranteedUpdate(prior.namespace, prior.name, (obj) => {
            const e = obj as Event & { count?: number; lastTimestamp?: string };
            e.count = (e.count ?? 1) + 1;
            e.lastTimestamp = rfc3339(now);
            return e as KubeObject;
          });
          this.remember(key, prior);
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      const name = `${meta.name ?? 'pod'}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
      const event: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace,
          name: meta.name ?? '',
          ...(meta.uid ? { uid: meta.uid } : {}),
          ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
        },
        reason,
        message: note,
        source: { component },
        firstTimestamp: rfc3339(now),
        lastTimestamp: rfc3339(now),
        count: 1,
        type,
        action,
        reportingComponent: component,
        reportingInstance: `${component}-${this.o.host}`,
      };
      await events.create(namespace, event as KubeObject);
      this.remember(key, { namespace, name });
    } catch (err) {
      this.o.logger.warn({ err: String(err), reason, pod: `${namespace}/${meta.name}` }, 'recording event');
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
