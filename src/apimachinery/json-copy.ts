/**
 * Copying and comparing API objects on the registry's hot paths. Stored objects are JSON-shaped
 * (plain objects, arrays, strings, numbers, booleans, null), for which a direct walk is several
 * times cheaper than `structuredClone` or a JSON round trip; anything else (a Date an in-process
 * caller put into an object, say) falls back to the general functions, so the results are the
 * same as theirs.
 */
import { isDeepStrictEqual } from 'node:util';

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** A deep copy, like `structuredClone` (own enumerable properties, `undefined` values kept). */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i] as unknown);
    return out as T;
  }
  if (!isPlainObject(value)) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * Deep equality with `isDeepStrictEqual`'s answer for JSON-shaped values (arrays without holes):
 * same own keys (a key holding `undefined` differs from a missing one), primitives compared as
 * `Object.is` does.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return a !== 0 || Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    if (Object.getPrototypeOf(x) !== Array.prototype || Object.getPrototypeOf(y) !== Array.prototype) {
      return isDeepStrictEqual(a, b);
    }
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return isDeepStrictEqual(a, b);
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(y, key) || !jsonEqual(x[key], y[key])) return false;
  }
  return true;
}
