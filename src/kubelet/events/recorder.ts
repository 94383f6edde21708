/**
 * The kubelet's event recorder, as upstream's kubelet sets up client-go `tools/record`: core/v1
 * Events about pods and their containers from source `kubelet` on this node (`source.host` and
 * `reportingInstance` are the node name), written over the HTTP client. Queueing, aggregation,
 * counting and the spam filter are the shared recorder's (src/client/record); this adapts it to
 * the pod lifecycle's `PodEventRecorder` and to the agent's clock.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { EventBroadcaster, type EventRecorder as Recorder } from '../../client/record/event-recorder.js';
import { clientEventSink, type EventsClient } from '../../client/record/sink.js';
import type { Logger } from '../../util/log.js';
import { type Clock, realClock } from '../lifecycle.js';
import type { EventType, PodEventRecorder } from './reasons.js';
import { containerReference, podReference } from './reference.js';

/** What the recorder needs of the events API (`client.events`, or the agent's connection). */
export type EventsApi = EventsClient;

export interface EventRecorderOptions {
  events: EventsApi;
  /** `source.host` and `reportingInstance`. */
  nodeName: string;
  logger: Logger;
  clock?: Clock;
  /** Events waiting to be written at most (default 1000). */
  queueSize?: number;
}

export const KUBELET_COMPONENT = 'kubelet';

export class EventRecorder implements PodEventRecorder {
  private readonly broadcaster: EventBroadcaster;
  private readonly recorder: Recorder;

  constructor(o: EventRecorderOptions) {
    const clock = o.clock ?? realClock;
    this.broadcaster = new EventBroadcaster({
      sink: clientEventSink(o.events),
      logger: o.logger.child({ component: 'events' }),
      clock: { now: () => clock.now().getTime() },
      ...(o.queueSize !== undefined ? { queueSize: o.queueSize } : {}),
    });
    this.recorder = this.broadcaster.newRecorder({ component: KUBELET_COMPONENT, host: o.nodeName });
  }

  pod(pod: Pod, type: EventType, reason: string, message: string): void {
    this.recorder.event(podReference(pod), type, reason, message);
  }

  container(pod: Pod, containerName: string, type: EventType, reason: string, message: string): void {
    this.recorder.event(containerReference(pod, containerName), type, reason, message);
  }

  /** Resolves once every queued event was written or dropped. */
  flush(): Promise<void> {
    return this.broadcaster.flush();
  }

  /** Drops what is queued; later events are ignored. */
  stop(): void {
    this.broadcaster.stop();
  }
}
