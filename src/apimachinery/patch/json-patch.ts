/**
 * RFC 6902 JSON Patch (`application/json-patch+json`): a list of `add`, `remove`, `replace`,
 * `move`, `copy` and `test` operations applied in order, all or nothing. A malformed patch is a
 * 400 BadRequest; an operation that does not apply (missing path, failed test) is a 422, as
 * upstream answers; more than 10000 operations is a 413.
 */
import { badRequest, tooLarge } from '../errors.js';
import { arrayIndex, parsePointer } from './json-pointer.js';
import { type JsonObject, deepClone, deepEqual, isObject, patchNotApplicable, setOwn } from './json-value.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

interface Op {
  op: JsonPatchOperation['op'];
  path: string[];
  pathText: string;
  from: string[];
  fromText: string;
  value: unknown;
}

function decodeOperation(raw: unknown, i: number): Op {
  if (!isObject(raw)) throw badRequest(`json patch operation ${i} is not an object`);
  const { op, path, from } = raw;
  if (typeof op !== 'string') throw badRequest(`json patch operation ${i} has no "op"`);
  if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) {
    throw badRequest(`json patch operation ${i}: unknown op ${JSON.stringify(op)}`);
  }
  if (typeof path !== 'string') throw badRequest(`json patch operation ${i} (${op}) has no "path"`);
  const tokens = parsePointer(path);
  if (!tokens) throw badRequest(`json patch operation ${i} (${op}): invalid path ${JSON.stringify(path)}`);
  let fromTokens: string[] = [];
  if (op === 'move' || op === 'copy') {
    if (typeof from !== 'string') throw badRequest(`json patch operation ${i} (${op}) has no "from"`);
    const parsed = parsePointer(from);
    if (!parsed) throw badRequest(`json patch operation ${i} (${op}): invalid from ${JSON.stringify(from)}`);
    fromTokens = parsed;
  }
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(raw, 'value')) {
    throw badRequest(`json patch operation ${i} (${op}) has no "value"`);
  }
  const fromText = typeof from === 'string' ? from : '';
  return { op: op as Op['op'], path: tokens, pathText: path, from: fromTokens, fromText, value: raw.value };
}

/** The container that holds the last token of `tokens`, or undefined when the path does not exist. */
function parentOf(doc: unknown, tokens: readonly string[]): unknown {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length, false);
      if (i === undefined) return undefined;
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, t)) {
      cur = cur[t];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** The value at `tokens`, or `{ found: false }`. */
function lookup(doc: unknown, tokens: readonly string[]): { found: boolean; value?: unknown } {
  if (tokens.length === 0) return { found: true, value: doc };
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    return i === undefined ? { found: false } : { found: true, value: parent[i] };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) return { found: true, value: parent[last] };
  return { found: false };
}

const missing = (op: string, path: string): Error =>
  patchNotApplicable(`json patch ${op} operation does not apply: doc is missing path: "${path}"`);

function add(doc: unknown, tokens: readonly string[], value: unknown, text: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last, parent.length, true);
    if (i === undefined)
      throw patchNotApplicable(`json patch add operation: invalid index in path "${text}"`);
    parent.splice(i, 0, value);
  } else if (isObject(parent)) {
    setOwn(parent, last, value);
  } else {
    throw missing('add', text);
  }
  return doc;
}

/** Removes the value at `tokens` and returns it. */
function remove(doc: unknown, tokens: readonly string[], op: string, text: string): unknown {
  if (tokens.length === 0)
    throw patchNotApplicable(`json patch ${op} operation cannot remove the whole document`);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    if (i === undefined) throw missing(op, text);
    return parent.splice(i, 1)[0];
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const old = parent[last];
    delete (parent as JsonObject)[last];
    return old;
  }
  throw missing(op, text);
}

function replace(doc: unknown, tokens: readonly string[], value: unknown, text: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    if (i === undefined) throw missing('replace', text);
    parent[i] = value;
  } else if (isObject(parent) && Object.hasOwn(parent, last)) {
    setOwn(parent, last, value);
  } else {
    throw missing('replace', text);
  }
  return doc;
}

const isPrefix = (prefix: readonly string[], tokens: readonly string[]): boolean =>
  prefix.length <= tokens.length && prefix.every((t, i) => t === tokens[i]);

function apply(doc: unknown, op: Op): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, deepClone(op.value), op.pathText);
    case 'remove':
      remove(doc, op.path, 'remove', op.pathText);
      return doc;
    case 'replace':
      return replace(doc, op.path, deepClone(op.value), op.pathText);
    case 'move': {
      if (isPrefix(op.from, op.path)) {
        if (op.from.length === op.path.length) return doc;
        throw patchNotApplicable(`json patch move operation cannot move "${op.pathText}" into its own child`);
      }
      const value = remove(doc, op.from, 'move', op.fromText);
      return add(doc, op.path, value, op.pathText);
    }
    case 'copy': {
      const src = lookup(doc, op.from);
      if (!src.found) throw missing('copy', op.fromText);
      return add(doc, op.path, deepClone(src.value), op.pathText);
    }
    case 'test': {
      const cur = lookup(doc, op.path);
      // As upstream: a missing member tests equal to null (when its parent exists).
      const ok = cur.found
        ? deepEqual(cur.value, op.value)
        : op.value === null && isObject(parentOf(doc, op.path));
      if (!ok)
        throw patchNotApplicable(`json patch test operation failed: value at "${op.pathText}" differs`);
      return doc;
    }
  }
}

/** The result of applying `patch` (a decoded JSON array of operations) to `original`, which is left untouched. */
export function jsonPatch(original: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('a json patch must be a JSON array of operations');
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  const ops = patch.map(decodeOperation);
  let doc = deepClone(original);
  for (const op of ops) doc = apply(doc, op);
  return doc;
}
