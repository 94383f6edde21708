/**
 * Caching of the OpenAPI documents like upstream's handlers: the hash is the upper-case hex
 * SHA-512 of the served bytes; the ETag is that hash quoted. A v3 group-version document asked
 * for with its current `?hash=` may be cached forever; with a stale hash it redirects to the
 * current one; any request with a matching `If-None-Match` gets a 304.
 */
import { createHash } from 'node:crypto';

export interface SerializedDocument {
  body: string;
  /** Upper-case hex SHA-512 of `body`. */
  hash: string;
  /** `"<hash>"`. */
  etag: string;
}

export const computeHash = (data: string | Uint8Array): string =>
  createHash('sha512').update(data).digest('hex').toUpperCase();

export function serializeDocument(doc: unknown): SerializedDocument {
  const body = JSON.stringify(doc);
  const hash = computeHash(body);
  return { body, hash, etag: `"${hash}"` };
}

/** Whether an `If-None-Match` header value matches `etag` (lists, weak validators and `*` included). */
export function matchesETag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

export interface DocumentRequest {
  ifNoneMatch?: string;
  /** The `hash` query parameter, when given. */
  hash?: string | null;
  /** Request path without query, for the redirect of a stale hash. */
  path?: string;
}

export interface DocumentResponse {
  status: 200 | 301 | 304;
  headers: Record<string, string>;
  /** Present for 200 only. */
  body?: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Status, headers and body with which to answer a request for `doc`. */
export function documentResponse(
  doc: SerializedDocument,
  req: DocumentRequest,
  now = new Date(),
): DocumentResponse {
  const headers: Record<string, string> = { ETag: doc.etag, Vary: 'Accept' };
  if (req.hash && req.hash !== doc.hash && req.path) {
    return {
      status: 301,
      headers: { Location: `${req.path}?hash=${doc.hash}`, 'Cache-Control': 'no-cache, no-store' },
    };
  }
  if (req.hash) {
    headers['Cache-Control'] = 'public, immutable';
    headers['Expires'] = new Date(now.getTime() + YEAR_MS).toUTCString();
  } else {
    headers['Cache-Control'] = 'no-cache, private';
  }
  if (matchesETag(req.ifNoneMatch, doc.etag)) return { status: 304, headers };
  headers['Content-Type'] = 'application/json';
  return { status: 200, headers, body: doc.body };
}
