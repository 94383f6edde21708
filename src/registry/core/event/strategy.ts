/**
 * core/v1 Events (upstream's pkg/registry/core/event): only the lenient legacy validation, and
 * the field selectors `kubectl get events --field-selector` and `kubectl describe` use.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { setDefaultsEvent } from '../../../apis/core/v1/defaults-objects.js';
import { validateEventCreate, validateEventUpdate } from '../../../apis/core/validation/events.js';
import { eventTable } from '../../../printers/event.js';
import type { ResourceType, Strategy } from '../../resource.js';

export function eventSelectableFields(e: Event): Record<string, string> {
  const o = e.involvedObject ?? {};
  return {
    'involvedObject.kind': o.kind ?? '',
    'involvedObject.namespace': o.namespace ?? '',
    'involvedObject.name': o.name ?? '',
    'involvedObject.uid': o.uid ?? '',
    'involvedObject.apiVersion': o.apiVersion ?? '',
    'involvedObject.resourceVersion': o.resourceVersion ?? '',
    'involvedObject.fieldPath': o.fieldPath ?? '',
    reason: e.reason ?? '',
    reportingComponent: e.reportingComponent ?? '',
    source: e.source?.component || e.reportingComponent || '',
    type: e.type ?? '',
  };
}

export const eventStrategy: Strategy<Event> = {
  defaults: setDefaultsEvent,
  validate: (e) => validateEventCreate(e, 'v1'),
  validateUpdate: (e, old) => validateEventUpdate(e, old, 'v1'),
  table: eventTable,
  selectableFields: eventSelectableFields,
};

export const events: ResourceType<Event> = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  categories: [],
  subresources: [],
  definition: 'io.k8s.api.core.v1.Event',
  strategy: eventStrategy,
};
