/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), the format
 * kubectl apply, edit, label, annotate and patch send for built-in types. Maps merge
 * recursively and `null` deletes a key; how each list merges comes from the schema
 * (`x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`, see strategic-list.ts):
 * `merge` lists merge, others are replaced. Directives:
 *
 * - `$patch: replace` in a map: the map becomes the patch's map; in a list: the list becomes
 *   the patch's other elements.
 * - `$patch: delete` in a map: the map becomes empty; in a list element: that element goes.
 * - `$patch: merge`: the default behaviour spelt out; accepted (and dropped) in maps and list
 *   elements, where upstream rejects it.
 * - `$retainKeys: [...]`: keys of the live map not listed are dropped (the `retainKeys` strategy).
 * - `$setElementOrder/<field>: [...]`: the order of a merged list.
 * - `$deleteFromPrimitiveList/<field>: [...]`: values to remove from a primitive list.
 *
 * Where the schema does not describe a field, patching falls back to JSON merge patch
 * semantics below it (lists replace verbatim, maps merge); directives in maps are still
 * honoured rather than stored.
 * Malformed patches and unknown `$patch` values are 400 BadRequest.
 */
import { badRequest } from '../errors.js';
import type { Definitions, Schema } from '../schema.js';
import { type JsonObject, deepClone, getOwn, isObject, setOwn } from './json-value.js';
import { type FieldPatchMeta, fieldPatchMeta } from './patch-meta.js';
import {
  DIRECTIVE,
  type MergedList,
  deleteFromPrimitiveList,
  elementKind,
  enforceOrder,
  mergeList,
  validateElementOrder,
} from './strategic-list.js';

const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

const isDirectiveKey = (k: string): boolean =>
  k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM);

/** The field a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key is about. */
function directiveField(key: string, prefix: string): string {
  const field = key.slice(prefix.length);
  if (!field) throw badRequest(`invalid patch directive key ${JSON.stringify(key)}: no field named`);
  return field;
}

class Merger {
  constructor(private readonly defs: Definitions) {}

  /** Merges `patch` into `original` (mutated and returned; undefined starts from an empty map). */
  mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: Schema | undefined): JsonObject {
    if (Object.hasOwn(patch, DIRECTIVE)) {
      const d = patch[DIRECTIVE];
      if (d === 'replace') {
        const rest = { ...patch };
        delete rest[DIRECTIVE];
        return this.mergeMap(undefined, rest, schema);
      }
      if (d === 'delete') return {};
      if (d !== 'merge') {
        throw badRequest(
          `unknown $patch directive ${JSON.stringify(d)} in map; supported values: "replace", "delete", "merge"`,
        );
      }
    }
    const out: JsonObject = original ?? {};
    this.retainKeys(out, patch);
    const ordered = this.setElementOrders(out, patch, schema);
    for (const [k, pv] of Object.entries(patch)) {
      if (ordered.has(k) || k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER)) continue;
      if (k.startsWith(DELETE_FROM)) {
        const field = directiveField(k, DELETE_FROM);
        if (!Array.isArray(pv)) throw badRequest(`${k} must be a list of values to delete`);
        const cur = getOwn(out, field);
        if (Array.isArray(cur)) setOwn(out, field, deleteFromPrimitiveList(cur, pv));
        continue;
      }
      if (pv === null) {
        delete out[k];
        continue;
      }
      setOwn(out, k, this.mergeField(getOwn(out, k), pv, fieldPatchMeta(schema, k, this.defs)));
    }
    return out;
  }

  private mergeField(original: unknown, patch: unknown, meta: FieldPatchMeta): unknown {
    if (isObject(patch)) {
      const base = meta.strategy !== 'replace' && isObject(original) ? original : undefined;
      return this.mergeMap(base, patch, meta.schema);
    }
    if (Array.isArray(patch))
      return this.mergeListField(Array.isArray(original) ? original : [], patch, meta).merged;
    return patch;
  }

  private mergeListField(original: unknown[], patch: unknown[], meta: FieldPatchMeta): MergedList {
    if (meta.strategy !== 'merge') return { merged: deepClone(patch), liveOrder: original };
    return mergeList(original, patch, meta.mergeKey, (o, p) => this.mergeMap(o, p, meta.items));
  }

  /** `$retainKeys`: drops live keys not listed; every key the patch sets must be listed. */
  private retainKeys(out: JsonObject, patch: JsonObject): void {
    if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      throw badRequest('$retainKeys must be a list of field names');
    }
    const keep = new Set<string>(list);
    for (const [k, v] of Object.entries(patch)) {
      if (v !== null && !isDirectiveKey(k) && !keep.has(k)) {
        throw badRequest(`the patch sets ${JSON.stringify(k)}, which its $retainKeys list does not name`);
      }
    }
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }

  /**
   * Each `$setElementOrder/<field>`: merges the field's patch list (if any) and orders the
   * result. Returns the fields done, which the main loop then skips.
   */
  private setElementOrders(out: JsonObject, patch: JsonObject, schema: Schema | undefined): Set<string> {
    const done = new Set<string>();
    for (const [k, order] of Object.entries(patch)) {
      if (!k.startsWith(SET_ORDER)) continue;
      const field = directiveField(k, SET_ORDER);
      if (!Array.isArray(order)) throw badRequest(`${k} must be a list`);
      const pv = getOwn(patch, field);
      if (pv === null) continue; // the field is being deleted: nothing to order
      if (pv !== undefined && !Array.isArray(pv))
        throw badRequest(`${field} must be a list, as ${k} is given`);
      const meta = fieldPatchMeta(schema, field, this.defs);
      const cur = getOwn(out, field);
      const live = Array.isArray(cur) ? cur : undefined;
      validateElementOrder(field, pv ?? [], order, meta.mergeKey);
      if (!live && !pv) continue;
      const { merged, liveOrder } = pv
        ? this.mergeListField(live ?? [], pv, meta)
        : { merged: live ?? [], liveOrder: live ?? [] };
      const kind = elementKind(live ?? [], pv ?? []);
      const orderable = kind === 'primitive' || (kind === 'object' && meta.mergeKey !== '');
      setOwn(out, field, orderable ? enforceOrder(merged, order, liveOrder, meta.mergeKey) : merged);
      done.add(field);
    }
    return done;
  }
}

/**
 * Applies a strategic merge patch. `schema` describes `original` (e.g. the Pod definition,
 * `$ref`s allowed) and `defs` resolves references; without a schema the whole patch is a JSON
 * merge patch that honours directives. `original` is left untouched.
 */
export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema | undefined,
  defs: Definitions,
): unknown {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  const base = isObject(original) ? deepClone(original) : undefined;
  return new Merger(defs).mergeMap(base, patch, schema);
}
