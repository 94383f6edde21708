/**
 * Helpers shared by the core validators (upstream's top of `validation.go`): name rules per
 * kind, DNS/qualified-name field checks, port numbers or names, local paths, file modes.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import { type FieldError, type FieldPath, invalid } from '../../../apimachinery/validation/field.js';
import {
  type NameValidator,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from '../../meta/validation.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
} from '../../../apimachinery/validation/names.js';

export {
  validateImmutableField,
  validateLabelName,
  validateLabels,
  validateNonnegativeField,
  validateQualifiedName,
} from '../../meta/validation.js';

/** Name rules of the core kinds. */
export const validatePodName: NameValidator = nameIsDNSSubdomain;
export const validateNodeName: NameValidator = nameIsDNSSubdomain;
export const validateNamespaceName: NameValidator = nameIsDNSLabel;
export const validateServiceName: NameValidator = nameIsDNS1035Label;
export const validateSecretName: NameValidator = nameIsDNSSubdomain;
export const validateConfigMapName: NameValidator = nameIsDNSSubdomain;
export const validateServiceAccountName: NameValidator = nameIsDNSSubdomain;
export const validateEndpointsName: NameValidator = nameIsDNSSubdomain;
export const validatePriorityClassName: NameValidator = nameIsDNSSubdomain;

export const IS_NOT_POSITIVE = 'must be greater than zero';
export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

export function validateDNS1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => invalid(path, value, msg));
}

/** Applies a kind's name rule to a reference (`nodeName`, `serviceAccountName`, …). */
export function validateNameWith(
  fn: NameValidator,
  value: string,
  path: FieldPath,
  prefix = false,
): FieldError[] {
  return fn(value, prefix).map((msg) => invalid(path, value, msg));
}

/** An IntOrString port: a number must be a port number, a string an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  const n = port ?? 0;
  return isValidPortNum(n).map((msg) => invalid(path, n, msg));
}

export function validateFileMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

const isAbsolute = (p: string): boolean => p.startsWith('/');

/** No `..` element once split on '/' (backslashes count as separators too). */
export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..')
    ? [invalid(path, target, "must not contain '..'")]
    : [];
}

export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbsolute(target)) errs.push(invalid(path, target, 'must be a relative path'));
  return [...errs, ...validatePathNoBacksteps(target, path)];
}

export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../'))
    errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

export const isRestartableInitContainer = (c: Container | undefined): boolean =>
  c?.restartPolicy === 'Always';

/** The `value` of an error about an IntOrString or other scalar, unwrapped for messages. */
export const orNull = (v: unknown): unknown => v ?? null;
