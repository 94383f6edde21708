/**
 * Events, as upstream's events.go: the lenient legacy rules every Event passes, and the strict
 * ones applied to writes through events.k8s.io/v1. Field paths name the internal (core) fields,
 * as upstream's do, whichever API the request came through.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { type FieldError, FieldPath, invalid, required } from '../../../apimachinery/validation/field.js';
import { semanticEqual } from '../../meta/equality.js';
import { isDNS1123Subdomain } from '../../../apimachinery/validation/names.js';
import {
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from '../../meta/validation.js';
import { validateImmutableField, validateQualifiedName } from './common.js';

export type EventAPIVersion = 'v1' | 'events.k8s.io/v1';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

const root = (name: string): FieldPath => FieldPath.root(name);

function legacyValidateEvent(event: Event, version: EventAPIVersion): FieldError[] {
  const errs: FieldError[] = [];
  const controllerField = version === 'v1' ? 'reportingComponent' : 'reportingController';
  const ns = event.metadata?.namespace ?? '';
  const involvedNs = event.involvedObject?.namespace ?? '';
  const nsPath = root('involvedObject').child('namespace');
  if (!event.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default')
        errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system')
      errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    const controller = event.reportingComponent ?? '';
    if (!controller) errs.push(required(root(controllerField)));
    errs.push(...validateQualifiedName(controller, root(controllerField)));
    const limited = (field: string, value: string | undefined, limit: number): void => {
      if (!value) errs.push(required(root(field)));
      if ((value ?? '').length > limit)
        errs.push(invalid(root(field), '', `can have at most ${limit} characters`));
    };
    limited('reportingInstance', event.reportingInstance, REPORTING_INSTANCE_LIMIT);
    limited('action', event.action, ACTION_LIMIT);
    limited('reason', event.reason, REASON_LIMIT);
    if ((event.message ?? '').length > NOTE_LIMIT)
      errs.push(invalid(root('message'), '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalid(root('namespace'), ns, msg));
  return errs;
}

function validateSeries(event: Event): FieldError[] {
  if (!event.series) return [];
  const errs: FieldError[] = [];
  if ((event.series.count ?? 0) < 2) errs.push(invalid(root('series.count'), '', 'should be at least 2'));
  if (!event.series.lastObservedTime) errs.push(required(root('series.lastObservedTime')));
  return errs;
}

/** ValidateEventCreate (plus the generic name check every stored object gets). */
export function validateEventCreate(event: Event, version: EventAPIVersion): FieldError[] {
  const errs = legacyValidateEvent(event, version);
  if (version === 'v1') {
    return [
      ...errs,
      ...validateObjectMeta(event.metadata, {
        namespaced: true,
        nameFn: validatePathSegmentName,
        kubeFinalizers: false,
      }),
    ];
  }
  errs.push(...validateObjectMeta(event.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }));
  errs.push(...validateSeries(event));
  if (!event.eventTime) errs.push(required(root('eventTime')));
  if (event.type !== 'Normal' && event.type !== 'Warning')
    errs.push(invalid(root('type'), '', `has invalid value: ${event.type ?? ''}`));
  if (event.firstTimestamp) errs.push(invalid(root('firstTimestamp'), '', 'needs to be unset'));
  if (event.lastTimestamp) errs.push(invalid(root('lastTimestamp'), '', 'needs to be unset'));
  if (event.count) errs.push(invalid(root('count'), '', 'needs to be unset'));
  if (event.source?.component || event.source?.host)
    errs.push(invalid(root('source'), '', 'needs to be unset'));
  return errs;
}

/** ValidateEventUpdate: events.k8s.io/v1 writes may not change what the event says happened. */
export function validateEventUpdate(next: Event, old: Event, version: EventAPIVersion): FieldError[] {
  const errs = legacyValidateEvent(next, version);
  if (version === 'v1')
    return [...errs, ...validateObjectMetaUpdate(next.metadata, old.metadata, undefined, false)];
  errs.push(...validateObjectMetaUpdate(next.metadata, old.metadata));
  if (!semanticEqual(next.series, old.series)) errs.push(...validateSeries(next));
  const fields = [
    ['involvedObject', 'involvedObject'],
    ['reason', 'reason'],
    ['message', 'message'],
    ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'],
    ['lastTimestamp', 'lastTimestamp'],
    ['count', 'count'],
    ['action', 'action'],
    ['related', 'related'],
    ['reportingComponent', 'reportingController'],
    ['reportingInstance', 'reportingInstance'],
    ['type', 'type'],
  ] as const;
  for (const [key, name] of fields) errs.push(...validateImmutableField(next[key], old[key], root(name)));
  return errs;
}
