/**
 * The scheduler's Events about pods (Scheduled, FailedScheduling): one recorder per profile, as
 * upstream gives each profile's framework its own, with the profile's scheduler name as source
 * and reporting controller, `<scheduler name>-<host>` as reporting instance, and the action
 * (`Binding`, `Scheduling`). Recording, aggregation and spam filtering are client-go's
 * `tools/record` (src/client/record).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type EventBroadcaster,
  type EventRecorder,
  type EventType,
  referenceTo,
} from '../../client/record/event-recorder.js';

export class SchedulerEventRecorder {
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(
    private readonly broadcaster: EventBroadcaster,
    private readonly host: string,
  ) {}

  /** Queues an event about `pod` from the profile `schedulerName`; returns at once. */
  eventf(
    schedulerName: string,
    pod: Pod,
    type: EventType,
    reason: string,
    action: string,
    message: string,
  ): void {
    this.recorder(schedulerName).event(referenceTo(pod, 'v1', 'Pod'), type, reason, message, { action });
  }

  private recorder(component: string): EventRecorder {
    let r = this.recorders.get(component);
    if (!r) {
      r = this.broadcaster.newRecorder({ component, reportingInstance: `${component}-${this.host}` });
      this.recorders.set(component, r);
    }
    return r;
  }
}
