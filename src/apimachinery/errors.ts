/**
 * Kubernetes Status errors. Every failure that crosses the API boundary is a `StatusError`
 * carrying the `Status` object upstream would send (reason, code, details.causes), built by
 * the small constructors below and recognised by the `is*` predicates.
 */
import { type FieldError, fieldErrorBody, fieldErrorMessage } from './validation/field.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Timeout'
  | 'ServiceUnavailable'
  | 'NotImplemented';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

/** Identifies the resource an error is about: `pods`, or `pods.policy` for a named group. */
export interface Qualified {
  group: string;
  resource: string;
}

const qualifiedName = (q: Qualified): string => (q.group ? `${q.resource}.${q.group}` : q.resource);

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'StatusError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | '' {
    return this.status.reason;
  }
}

function make(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) status.details = details;
  return new StatusError(status);
}

export const badRequest = (message: string): StatusError => make(400, 'BadRequest', message);

export const unauthorized = (message = 'Unauthorized'): StatusError => make(401, 'Unauthorized', message);

export const forbidden = (q: Qualified, name: string, message: string): StatusError =>
  make(
    403,
    'Forbidden',
    `${qualifiedName(q)}${name ? ` "${name}"` : ''} is forbidden: ${message}`,
    detailsFor(q, name),
  );

export const notFound = (q: Qualified, name: string): StatusError =>
  make(404, 'NotFound', `${qualifiedName(q)} "${name}" not found`, detailsFor(q, name));

/** 404 for a URL that names no resource at all. */
export const notFoundPath = (message = 'the server could not find the requested resource'): StatusError =>
  make(404, 'NotFound', message, {});

export const alreadyExists = (q: Qualified, name: string): StatusError =>
  make(409, 'AlreadyExists', `${qualifiedName(q)} "${name}" already exists`, detailsFor(q, name));

export const conflict = (q: Qualified, name: string, message: string): StatusError =>
  make(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": ${message}`,
    detailsFor(q, name),
  );

export const gone = (message: string): StatusError => make(410, 'Gone', message);

/** A watch or list asked for a revision that has been compacted away. */
export const expired = (message: string): StatusError => make(410, 'Expired', message);

export const invalid = (kind: string, group: string, name: string, errors: FieldError[]): StatusError => {
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const list = errors.map(fieldErrorMessage);
  const aggregate = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return make(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${aggregate}`, {
    name,
    group,
    kind,
    causes,
  });
};

export const methodNotSupported = (q: Qualified, verb: string): StatusError =>
  make(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedName(q)}"`, {
    group: q.group,
    kind: q.resource,
  });

export const notAcceptable = (message: string): StatusError => make(406, 'NotAcceptable', message);

export const tooLarge = (message = 'Request entity too large'): StatusError =>
  make(413, 'RequestEntityTooLarge', message);

export const unsupportedMediaType = (contentType: string): StatusError =>
  make(415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${contentType}`);

export const tooManyRequests = (message: string, retryAfterSeconds?: number): StatusError =>
  make(429, 'TooManyRequests', message, retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined);

export const internal = (message: string): StatusError =>
  make(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

export const notImplemented = (message: string): StatusError => make(501, 'NotImplemented', message);

export const serviceUnavailable = (message: string): StatusError => make(503, 'ServiceUnavailable', message);

function detailsFor(q: Qualified, name: string): StatusDetails {
  const d: StatusDetails = { kind: q.resource };
  if (name) d.name = name;
  if (q.group) d.group = q.group;
  return d;
}

const hasReason =
  (reason: StatusReason) =>
  (err: unknown): boolean =>
    err instanceof StatusError && err.reason === reason;

export const isNotFound = hasReason('NotFound');
export const isAlreadyExists = hasReason('AlreadyExists');
export const isConflict = hasReason('Conflict');
export const isInvalid = hasReason('Invalid');
export const isExpired = (err: unknown): boolean =>
  err instanceof StatusError && (err.reason === 'Expired' || err.reason === 'Gone');
export const isTooManyRequests = hasReason('TooManyRequests');
