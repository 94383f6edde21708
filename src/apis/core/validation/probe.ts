/**
 * Probes and lifecycle hooks: exactly one handler (exec, httpGet, tcpSocket, grpc, or sleep for
 * hooks), non-negative timings, and successThreshold 1 for liveness and startup probes.
 */
import type { Lifecycle, LifecycleHandler, Probe } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isHTTPHeaderName } from '../../../apimachinery/validation/names.js';
import { validateNonnegativeField, validatePortNumOrName } from './common.js';

type Handler = Probe & LifecycleHandler;

type HandlerKind = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep';

function validateHandlerAction(
  kind: HandlerKind,
  h: Handler,
  p: FieldPath,
  grace: number | undefined,
): FieldError[] {
  switch (kind) {
    case 'exec':
      return h.exec?.command?.length ? [] : [required(p.child('command'))];
    case 'httpGet': {
      const http = h.httpGet;
      if (!http) return [];
      const errs: FieldError[] = [];
      if (!http.path) errs.push(required(p.child('path')));
      errs.push(...validatePortNumOrName(http.port, p.child('port')));
      if (http.scheme !== 'HTTP' && http.scheme !== 'HTTPS') {
        errs.push(notSupported(p.child('scheme'), http.scheme ?? '', ['HTTP', 'HTTPS']));
      }
      for (const header of http.httpHeaders ?? []) {
        for (const msg of isHTTPHeaderName(header.name ?? ''))
          errs.push(invalid(p.child('httpHeaders'), header.name, msg));
      }
      return errs;
    }
    case 'tcpSocket':
      return validatePortNumOrName(h.tcpSocket?.port, p.child('port'));
    case 'grpc':
      return validatePortNumOrName(h.grpc?.port ?? 0, p.child('port'));
    case 'sleep': {
      const seconds = h.sleep?.seconds ?? 0;
      if (grace !== undefined && (seconds <= 0 || seconds > grace)) {
        return [
          invalid(
            p,
            seconds,
            `must be greater than 0 and less than terminationGracePeriodSeconds (${grace})`,
          ),
        ];
      }
      return [];
    }
  }
}

/** Exactly one handler; the later ones are reported as forbidden. */
export function validateHandler(
  handler: Handler,
  allowed: readonly HandlerKind[],
  grace: number | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of allowed) {
    if (handler[kind] === undefined || handler[kind] === null) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(kind), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    errs.push(...validateHandlerAction(kind, handler, path.child(kind), grace));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

export function validateProbe(
  probe: Probe | undefined,
  grace: number | undefined,
  path: FieldPath,
): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, PROBE_HANDLERS, grace, path);
  errs.push(...validateNonnegativeField(probe.initialDelaySeconds, path.child('initialDelaySeconds')));
  errs.push(...validateNonnegativeField(probe.timeoutSeconds, path.child('timeoutSeconds')));
  errs.push(...validateNonnegativeField(probe.periodSeconds, path.child('periodSeconds')));
  errs.push(...validateNonnegativeField(probe.successThreshold, path.child('successThreshold')));
  errs.push(...validateNonnegativeField(probe.failureThreshold, path.child('failureThreshold')));
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps !== undefined && tgps <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  }
  return errs;
}

/** Liveness and startup probes: `successThreshold` must be 1. */
export function validateLivenessOrStartupProbe(
  probe: Probe | undefined,
  grace: number | undefined,
  path: FieldPath,
): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, grace, path);
  if ((probe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(path.child('successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

export function validateReadinessProbe(
  probe: Probe | undefined,
  grace: number | undefined,
  path: FieldPath,
): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, grace, path);
  if (probe.terminationGracePeriodSeconds !== undefined) {
    errs.push(
      invalid(
        path.child('terminationGracePeriodSeconds'),
        probe.terminationGracePeriodSeconds,
        'must not be set for readinessProbes',
      ),
    );
  }
  return errs;
}

export function validateLifecycle(
  lifecycle: Lifecycle,
  grace: number | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (lifecycle.postStart)
    errs.push(...validateHandler(lifecycle.postStart, LIFECYCLE_HANDLERS, grace, path.child('postStart')));
  if (lifecycle.preStop)
    errs.push(...validateHandler(lifecycle.preStop, LIFECYCLE_HANDLERS, grace, path.child('preStop')));
  return errs;
}
