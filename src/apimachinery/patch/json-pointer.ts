/**
 * RFC 6901 JSON Pointers: `/a/b~1c/0` → `['a', 'b/c', '0']`, `~1` standing for `/` and `~0` for
 * `~`. The empty pointer names the whole document.
 */

/** The reference tokens of `pointer`, or undefined when it is not a pointer (no leading `/`). */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The pointer for these tokens (the inverse of `parsePointer`). */
export const formatPointer = (tokens: readonly string[]): string =>
  tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * The array position a token names in an array of `length` elements, or undefined. Like the
 * library upstream uses, a negative index counts from the end (`-1` is the last element);
 * `allowEnd` admits `length` itself (insertion after the last element).
 */
export function arrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (!/^-?[0-9]+$/.test(token)) return undefined;
  let i = Number(token);
  if (!Number.isSafeInteger(i)) return undefined;
  if (i < 0) {
    if (i < -length) return undefined;
    i += length;
  }
  return i < length || (allowEnd && i === length) ? i : undefined;
}
