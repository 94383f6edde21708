/**
 * Field errors, shaped like apimachinery's `field.ErrorList`: each error names the path of
 * the offending field (`spec.containers[0].livenessProbe.periodSeconds`) and a type that
 * becomes the `reason` of a `StatusCause` (`FieldValueInvalid`, `FieldValueRequired`, …).
 */

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value, when it helps the message (omitted for Required/Forbidden). */
  value?: unknown;
  detail: string;
}

/** A field path under construction: `root('spec').child('containers').index(0).child('name')`. */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name: string): FieldPath {
    return new FieldPath(name);
  }

  child(name: string, ...more: string[]): FieldPath {
    let p = this.text === '' ? name : `${this.text}.${name}`;
    for (const m of more) p = `${p}.${m}`;
    return new FieldPath(p);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

type Path = FieldPath | string;

export const required = (path: Path, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field: String(path),
  detail,
});

export const invalid = (path: Path, value: unknown, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field: String(path),
  value,
  detail,
});

export const notSupported = (path: Path, value: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: String(path),
  value,
  detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
});

export const duplicate = (path: Path, value: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field: String(path),
  value,
  detail: '',
});

export const forbidden = (path: Path, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field: String(path),
  detail,
});

export const tooLong = (path: Path, value: unknown, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: String(path),
  value,
  detail: `must have at most ${max} bytes`,
});

export const tooMany = (path: Path, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field: String(path),
  value: actual,
  detail: `must have at most ${max} items`,
});

export const notFound = (path: Path, value: unknown): FieldError => ({
  type: 'FieldValueNotFound',
  field: String(path),
  value,
  detail: '',
});

export const typeInvalid = (path: Path, value: unknown, detail: string): FieldError => ({
  type: 'FieldValueTypeInvalid',
  field: String(path),
  value,
  detail,
});

/** The one-line text of a field error, as upstream prints it inside an Invalid Status message. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** The error without its field (`Invalid value: 0: must be greater than zero`): a StatusCause's message. */
export function fieldErrorBody(e: FieldError): string {
  const summary: Record<FieldErrorType, string> = {
    FieldValueNotFound: 'Not found',
    FieldValueRequired: 'Required value',
    FieldValueDuplicate: 'Duplicate value',
    FieldValueInvalid: 'Invalid value',
    FieldValueNotSupported: 'Unsupported value',
    FieldValueForbidden: 'Forbidden',
    FieldValueTooLong: 'Too long',
    FieldValueTooMany: 'Too many',
    InternalError: 'Internal error',
    FieldValueTypeInvalid: 'Invalid value',
  };
  let s = summary[e.type];
  const showValue =
    e.type === 'FieldValueInvalid' ||
    e.type === 'FieldValueNotSupported' ||
    e.type === 'FieldValueDuplicate' ||
    e.type === 'FieldValueNotFound' ||
    e.type === 'FieldValueTypeInvalid';
  if (showValue && e.value !== undefined) s += `: ${formatValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v);
}
