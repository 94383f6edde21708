/**
 * events.k8s.io/v1 Events: validated (strictly, as writes through this API are) and printed as
 * the core Event they convert to; field selectors use this API's field names.
 */
import type { Event } from 'kubernetes-types/events/v1.js';
import { validateEventCreate, validateEventUpdate } from '../../../apis/core/validation/events.js';
import { fromCoreEvent, toCoreEvent } from '../../../apis/events/v1/conversion.js';
import { eventsV1Table } from '../../../printers/event.js';
import { eventSelectableFields } from '../../core/event/strategy.js';
import type { KubeObject, ResourceType, Strategy } from '../../resource.js';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';

export function eventsV1SelectableFields(e: Event): Record<string, string> {
  const core = eventSelectableFields(toCoreEvent(e));
  const out: Record<string, string> = { reason: core.reason ?? '', type: core.type ?? '' };
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
    out[`regarding.${f}`] = core[`involvedObject.${f}`] ?? '';
  }
  out.reportingController = core.reportingComponent ?? '';
  return out;
}

export const eventsV1Strategy: Strategy<Event> = {
  validate: (e) => validateEventCreate(toCoreEvent(e), 'events.k8s.io/v1'),
  validateUpdate: (e, old) => validateEventUpdate(toCoreEvent(e), toCoreEvent(old), 'events.k8s.io/v1'),
  table: eventsV1Table,
  selectableFields: eventsV1SelectableFields,
};

export const eventsV1: ResourceType<Event> = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.events.v1.Event',
  strategy: eventsV1Strategy,
  // One set of Events, two APIs: stored as core/v1 Events and converted on the way.
  storedAs: {
    group: '',
    plural: 'events',
    toStorage: (obj: KubeObject) => toCoreEvent(obj as Event) as KubeObject,
    fromStorage: (obj: KubeObject) => fromCoreEvent(obj as CoreEvent) as KubeObject,
  },
};
