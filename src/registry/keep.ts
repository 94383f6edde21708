/**
 * Strategy helper: carry a field over from the stored object, the way upstream strategies do
 * `new.Status = old.Status` — absent in the stored object means absent in the result (never a
 * key holding `undefined`, which would make an unchanged object look changed).
 */
import { copyJson } from '../apimachinery/json-copy.js';

export function keepField<T extends object>(target: T, source: T, key: keyof T & string): void {
  const t = target as Record<string, unknown>;
  const value = (source as Record<string, unknown>)[key];
  if (value === undefined) delete t[key];
  else t[key] = copyJson(value); // stored objects are JSON: the fast deep copy
}
