/**
 * Semantic equality of decoded API objects, in the spirit of apimachinery's `Semantic.DeepEqual`:
 * a field that is absent equals one holding its zero value (`''`, `0`, `false`, `[]`, `{}`, `null`),
 * as it does after Go decodes JSON into a non-pointer field.
 */
import { copyJson } from '../../apimachinery/json-copy.js';

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
    return true;
  }
  return false;
}

/**
 * The leaf paths where two values differ, as `path: old -> new` lines; a stand-in for the
 * structural diff upstream appends to "may not change" messages.
 */
export function describeDifferences(oldValue: unknown, newValue: unknown, path = '', max = 20): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, p: string): void => {
    if (out.length >= max || semanticEqual(a, b)) return;
    const bothObjects =
      typeof a === 'object' &&
      a !== null &&
      typeof b === 'object' &&
      b !== null &&
      Array.isArray(a) === Array.isArray(b);
    if (bothObjects && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${p}[${i}]`));
      return;
    }
    if (bothObjects && !Array.isArray(a)) {
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)]))
        walk(ra[k], rb[k], p ? `${p}.${k}` : k);
      return;
    }
    out.push(`${p || '<root>'}: ${JSON.stringify(a) ?? 'null'} -> ${JSON.stringify(b) ?? 'null'}`);
  };
  walk(oldValue, newValue, path);
  return out;
}

/** A deep copy of a JSON-shaped value. */
export function deepCopy<T>(v: T): T {
  return copyJson(v);
}
