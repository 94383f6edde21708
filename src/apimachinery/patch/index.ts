/**
 * PATCH bodies by content type: JSON Patch, JSON merge patch and strategic merge patch.
 * Server-side apply (`application/apply-patch+yaml`) is not implemented: a 415 says so, and
 * client-side `kubectl apply` (which sends strategic merge patches) works.
 */
import { unsupportedMediaType } from '../errors.js';
import type { Definitions, Schema } from '../schema.js';
import { jsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

export { MAX_JSON_PATCH_OPERATIONS, type JsonPatchOperation, jsonPatch } from './json-patch.js';
export { mergePatch } from './merge-patch.js';
export { strategicMergePatch } from './strategic-merge-patch.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch content types this server applies. */
export const SUPPORTED_PATCH_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];

/**
 * Applies a decoded patch body to `original` (left untouched) according to `contentType`
 * (parameters such as `; charset=utf-8` are ignored). `schema`/`defs` describe the object for
 * strategic merge patch. A 415 UnsupportedMediaType for server-side apply and unknown types.
 */
export function applyPatch(
  contentType: string,
  original: unknown,
  patchBody: unknown,
  schema: Schema | undefined,
  defs: Definitions,
): unknown {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  switch (type) {
    case JSON_PATCH:
      return jsonPatch(original, patchBody);
    case MERGE_PATCH:
      return mergePatch(original, patchBody);
    case STRATEGIC_MERGE_PATCH:
      return strategicMergePatch(original, patchBody, schema, defs);
    case APPLY_PATCH:
      throw unsupportedMediaType(
        `${APPLY_PATCH}: server-side apply is not supported by this server; ` +
          'use client-side apply (kubectl apply without --server-side)',
      );
    default:
      throw unsupportedMediaType(
        `${contentType || '(none)'} - accepted patch media types include: ${SUPPORTED_PATCH_TYPES.join(', ')}`,
      );
  }
}
