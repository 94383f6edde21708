/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge recursively, a
 * `null` member deletes, and anything else — arrays included — replaces the target wholesale.
 */
import { type JsonObject, deepClone, isObject, setOwn } from './json-value.js';

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, merge(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/** The result of applying `patch` to `original`; `original` is left untouched. */
export function mergePatch(original: unknown, patch: unknown): unknown {
  return merge(deepClone(original), patch);
}
