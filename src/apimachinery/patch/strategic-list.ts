/**
 * List handling of strategic merge patch, for lists whose patch strategy is `merge`:
 *
 * - lists of objects merge element-wise by the merge key; `{<key>: v, $patch: delete}` removes
 *   the element with that key, a `{$patch: replace}` element makes the rest of the patch list
 *   the whole new list;
 * - lists of primitives are unioned (duplicates dropped); `$deleteFromPrimitiveList/<field>`
 *   removes values.
 *
 * Element order follows upstream: the patch's items keep the patch's relative order, the items
 * only the server has keep the live relative order, and the two are interleaved where the live
 * list relates them; a patch item the live list does not have goes before the remaining
 * server-only items (so a new element with no `$setElementOrder` lands first, as upstream).
 * `$setElementOrder/<field>` then reorders the same way, its list standing for the patch order
 * and `MergedList.liveOrder` for the live one.
 */
import { badRequest } from '../errors.js';
import { type JsonObject, getOwn, isObject } from './json-value.js';

export const DIRECTIVE = '$patch';

export type ElementKind = 'object' | 'primitive';

/** Merges one list element (a map) into another; `undefined` when there is no such element yet. */
export type MergeObject = (original: JsonObject | undefined, patch: JsonObject) => JsonObject;

const typeName = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);

/** The kind of the elements of these lists together; a 400 when they mix kinds or nest lists. */
export function elementKind(...lists: readonly unknown[][]): ElementKind | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const x of list) {
      const t = typeName(x);
      if (t === 'array') throw badRequest('strategic merge patch does not support lists of lists');
      if (seen !== undefined && seen !== t) {
        throw badRequest(`list element types are not identical: found both ${seen} and ${t}`);
      }
      seen = t;
    }
  }
  return seen === undefined ? undefined : seen === 'object' ? 'object' : 'primitive';
}

const noMergeKey = (el: unknown, mergeKey: string): Error =>
  badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`);

/** What identifies an element: its merge-key value for objects, the value itself otherwise. */
const keyOf = (x: unknown, mergeKey: string): unknown => (mergeKey && isObject(x) ? getOwn(x, mergeKey) : x);

const indexIn = (list: readonly unknown[], x: unknown, mergeKey: string): number => {
  const k = keyOf(x, mergeKey);
  return list.findIndex((y) => keyOf(y, mergeKey) === k);
};

/** `items` sorted by their position in `order` (stable); items missing from `order` go last. */
function sortBy(items: unknown[], order: readonly unknown[], mergeKey: string): unknown[] {
  const pos = (x: unknown): number => {
    const i = indexIn(order, x, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((x, i) => ({ x, i, p: pos(x) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((e) => e.x);
}

/**
 * Merges two sorted, disjoint lists: a server-only item goes before the next patch item only
 * when both are in the live list and it comes first there.
 */
function interleave(
  serverOnly: unknown[],
  patchItems: unknown[],
  live: readonly unknown[],
  mergeKey: string,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) {
      out.push(serverOnly[i++]);
    } else if (i >= serverOnly.length) {
      out.push(patchItems[j++]);
    } else {
      const li = indexIn(live, serverOnly[i], mergeKey);
      const ri = indexIn(live, patchItems[j], mergeKey);
      out.push(li >= 0 && ri >= 0 && li < ri ? serverOnly[i++] : patchItems[j++]);
    }
  }
  return out;
}

/** Orders `merged`: items named in `patchOrder` by it, the others by `live`, interleaved. */
export function enforceOrder(
  merged: readonly unknown[],
  patchOrder: readonly unknown[],
  live: readonly unknown[],
  mergeKey: string,
): unknown[] {
  const inPatch = (x: unknown): boolean => indexIn(patchOrder, x, mergeKey) >= 0;
  const patchItems = sortBy(merged.filter(inPatch), patchOrder, mergeKey);
  const serverOnly = sortBy(
    merged.filter((x) => !inPatch(x)),
    live,
    mergeKey,
  );
  return interleave(serverOnly, patchItems, live, mergeKey);
}

const sameKey = (a: unknown, b: JsonObject, mergeKey: string): boolean =>
  isObject(a) && Object.hasOwn(a, mergeKey) && a[mergeKey] === b[mergeKey];

export interface MergedList {
  merged: unknown[];
  /**
   * The live order a following `$setElementOrder` interleaves server-only items by: the live
   * list with deleted elements closed up and new elements appended, cut to its old length
   * (what upstream's in-place slice updates leave in the live list it orders by).
   */
  liveOrder: unknown[];
}

/** Merges a patch list into a live list of a `merge`-strategy field. */
export function mergeList(
  original: readonly unknown[],
  patch: readonly unknown[],
  mergeKey: string,
  mergeObject: MergeObject,
): MergedList {
  const kind = elementKind([...original], [...patch]);
  if (kind === undefined) return { merged: [], liveOrder: [] };
  if (kind === 'primitive') {
    const merged = [...new Set([...original, ...patch])];
    return { merged: enforceOrder(merged, patch, original, ''), liveOrder: [...original] };
  }
  if (!mergeKey) throw badRequest('cannot merge a list of objects that has no patch merge key');
  let base = [...original];
  let replace = false;
  const plain: JsonObject[] = [];
  for (const el of patch as JsonObject[]) {
    if (!Object.hasOwn(el, DIRECTIVE)) {
      plain.push(el);
      continue;
    }
    const d = el[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.hasOwn(el, mergeKey)) throw noMergeKey(el, mergeKey);
      base = base.filter((x) => !sameKey(x, el, mergeKey));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      // Merging is what happens anyway: a marker element alone is dropped.
      if (Object.hasOwn(el, mergeKey)) plain.push(el);
    } else {
      throw badRequest(`unknown $patch directive ${JSON.stringify(d)} in list element ${JSON.stringify(el)}`);
    }
  }
  if (replace) return { merged: plain.map((el) => mergeObject(undefined, el)), liveOrder: base };
  const live = [...base];
  for (const el of plain) {
    if (!Object.hasOwn(el, mergeKey)) throw noMergeKey(el, mergeKey);
    const i = base.findIndex((x) => sameKey(x, el, mergeKey));
    const cur = i >= 0 ? base[i] : undefined;
    if (i >= 0 && isObject(cur)) base[i] = mergeObject(cur, el);
    else base.push(mergeObject(undefined, el));
  }
  return { merged: enforceOrder(base, plain, live, mergeKey), liveOrder: base.slice(0, original.length) };
}

/** `$deleteFromPrimitiveList/<field>`: the live list without these values. */
export function deleteFromPrimitiveList(original: readonly unknown[], values: readonly unknown[]): unknown[] {
  if (elementKind([...original], [...values]) === 'object') {
    throw badRequest('$deleteFromPrimitiveList applies only to lists of primitive values');
  }
  const drop = new Set(values);
  return original.filter((x) => !drop.has(x));
}

/**
 * Checks a patch list against its `$setElementOrder` list: the patch's items (deletions and
 * other directives aside) must appear there, in the same relative order.
 */
export function validateElementOrder(
  field: string,
  patchList: readonly unknown[],
  order: readonly unknown[],
  mergeKey: string,
): void {
  if (mergeKey) {
    for (const o of order) if (!isObject(o) || !Object.hasOwn(o, mergeKey)) throw noMergeKey(o, mergeKey);
  }
  if (!order.length || !patchList.length) return;
  const items = patchList.filter((x) => !(isObject(x) && Object.hasOwn(x, DIRECTIVE)));
  let pi = 0;
  for (let si = 0; pi < items.length && si < order.length; si++) {
    const p = items[pi];
    if (mergeKey && !(isObject(p) && Object.hasOwn(p, mergeKey))) throw noMergeKey(p, mergeKey);
    if (keyOf(p, mergeKey) === keyOf(order[si], mergeKey)) pi++;
  }
  if (pi < items.length) {
    throw badRequest(
      `the order of the ${field} list in the patch does not match its $setElementOrder/${field} list`,
    );
  }
}
