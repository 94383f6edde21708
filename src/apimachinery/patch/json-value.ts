/** Small helpers over decoded JSON values shared by the patch formats. */
import { StatusError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property, even one named `__proto__`, without touching prototypes. */
export function setOwn(o: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    o[key] = value;
  }
}

export const getOwn = (o: JsonObject, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** A deep copy of a JSON value (objects, arrays, primitives). */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => deepClone(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, deepClone(x));
    return out as T;
  }
  return v;
}

/** Structural equality of JSON values; object key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * A 422 Invalid for a well-formed patch that cannot be applied to the object (a failed JSON
 * Patch `test`, a missing path) — the code upstream answers with in that case.
 */
export const patchNotApplicable = (message: string): StatusError =>
  new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    code: 422,
  });
