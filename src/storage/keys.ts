/**
 * Key-space helpers shared by the backends. Keys are ordered the way etcd and SQLite order
 * them: by their UTF-8 bytes, which is the same as Unicode code point order.
 */

/** Ranks a UTF-16 code unit so that comparing ranks gives code point order. */
function unitRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800; // BMP characters above the surrogate block
  if (unit >= 0xd800) return unit + 0x2000; // surrogates encode code points above U+FFFF
  return unit;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

/**
 * The smallest key that sorts after every key starting with `prefix`, or `undefined` when no
 * such bound exists (the empty prefix covers the whole key space).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0x10ffff;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Validates the pagination options shared by every backend's `list`. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || limit === 0) return 0;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`invalid list limit ${limit}`);
  return limit;
}
