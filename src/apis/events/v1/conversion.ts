/**
 * events.k8s.io/v1 Event ↔ core/v1 Event. Upstream stores both as one internal type; its
 * validation messages and printed columns speak of that type's fields (`involvedObject`,
 * `message`, `reportingController`), so the events.k8s.io strategy converts and reuses them.
 */
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event } from 'kubernetes-types/events/v1.js';

export function toCoreEvent(e: Event): CoreEvent {
  const core: CoreEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata ?? {},
    involvedObject: e.regarding ?? {},
  };
  if (e.related) core.related = e.related;
  if (e.note !== undefined) core.message = e.note;
  if (e.reason !== undefined) core.reason = e.reason;
  if (e.action !== undefined) core.action = e.action;
  if (e.type !== undefined) core.type = e.type;
  if (e.reportingController !== undefined) core.reportingComponent = e.reportingController;
  if (e.reportingInstance !== undefined) core.reportingInstance = e.reportingInstance;
  if (e.eventTime) core.eventTime = e.eventTime;
  if (e.series) core.series = { count: e.series.count, lastObservedTime: e.series.lastObservedTime };
  if (e.deprecatedSource) core.source = e.deprecatedSource;
  if (e.deprecatedFirstTimestamp) core.firstTimestamp = e.deprecatedFirstTimestamp;
  if (e.deprecatedLastTimestamp) core.lastTimestamp = e.deprecatedLastTimestamp;
  if (e.deprecatedCount !== undefined) core.count = e.deprecatedCount;
  return core;
}

export function fromCoreEvent(c: CoreEvent): Event {
  const e: Event = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: c.metadata ?? {},
    eventTime: c.eventTime ?? '',
  };
  if (c.involvedObject && Object.keys(c.involvedObject).length) e.regarding = c.involvedObject;
  if (c.related) e.related = c.related;
  if (c.message !== undefined) e.note = c.message;
  if (c.reason !== undefined) e.reason = c.reason;
  if (c.action !== undefined) e.action = c.action;
  if (c.type !== undefined) e.type = c.type;
  if (c.reportingComponent) e.reportingController = c.reportingComponent;
  if (c.reportingInstance) e.reportingInstance = c.reportingInstance;
  if (c.series) e.series = { count: c.series.count ?? 0, lastObservedTime: c.series.lastObservedTime ?? '' };
  if (c.source && Object.keys(c.source).length) e.deprecatedSource = c.source;
  if (c.firstTimestamp) e.deprecatedFirstTimestamp = c.firstTimestamp;
  if (c.lastTimestamp) e.deprecatedLastTimestamp = c.lastTimestamp;
  if (c.count) e.deprecatedCount = c.count;
  return e;
}
