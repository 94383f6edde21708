/**
 * The Event table (core/v1 and events.k8s.io/v1 alike): LAST SEEN TYPE REASON OBJECT MESSAGE,
 * and (wide) SUBOBJECT SOURCE FIRST SEEN COUNT NAME.
 */
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event } from 'kubernetes-types/events/v1.js';
import { toCoreEvent } from '../apis/events/v1/conversion.js';
import type { TableColumn, TableConvertor } from '../registry/resource.js';
import { column } from './columns.js';
import { translateTimestampSince } from './duration.js';

const columns: TableColumn[] = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column(
    'Reason',
    'string',
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  ),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'The specific part of the object the event is about, if any.', 1),
  column('Source', 'string', 'The component reporting this event.', 1),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
  column('Count', 'string', 'The number of times this event has occurred.', 1),
  column('Name', 'string', 'Name of the event.', 1, 'name'),
];

const firstNonEmpty = (...xs: (string | undefined)[]): string => xs.find((x) => x) ?? '';

export function printEvent(e: CoreEvent, now: Date): unknown[] {
  const first = e.firstTimestamp
    ? translateTimestampSince(e.firstTimestamp, now)
    : translateTimestampSince(e.eventTime, now);
  let last = e.lastTimestamp ? translateTimestampSince(e.lastTimestamp, now) : first;
  let count = e.count ?? 0;
  if (e.series) {
    last = translateTimestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  const component = firstNonEmpty(e.source?.component, e.reportingComponent);
  const instance = firstNonEmpty(e.source?.host, e.reportingInstance);
  return [
    last,
    e.type ?? '',
    e.reason ?? '',
    target,
    e.involvedObject?.fieldPath ?? '',
    instance ? `${component}, ${instance}` : component,
    (e.message ?? '').trim(),
    first,
    count,
    e.metadata?.name ?? '',
  ];
}

export const eventTable: TableConvertor<CoreEvent> = { columns, cells: printEvent };

export const eventsV1Table: TableConvertor<Event> = {
  columns,
  cells: (e, now) => printEvent(toCoreEvent(e), now),
};
