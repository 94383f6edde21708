import { describe, expect, it } from 'vitest';
import { documentResponse, matchesETag, serializeDocument } from './etag.js';

describe('serializeDocument', () => {
  it('gives the same upper-case SHA-512 hash for the same document', () => {
    const a = serializeDocument({ paths: { 'api/v1': 1 } });
    const b = serializeDocument({ paths: { 'api/v1': 1 } });
    expect(a.hash).toMatch(/^[0-9A-F]{128}$/);
    expect(b).toEqual(a);
    expect(a.etag).toBe(`"${a.hash}"`);
    expect(serializeDocument({ paths: {} }).hash).not.toBe(a.hash);
  });
});

describe('documentResponse', () => {
  const doc = serializeDocument({ openapi: '3.0.0' });

  it('answers 304 to a matching If-None-Match', () => {
    expect(matchesETag(`W/${doc.etag}, "other"`, doc.etag)).toBe(true);
    expect(matchesETag('"other"', doc.etag)).toBe(false);
    const res = documentResponse(doc, { ifNoneMatch: doc.etag });
    expect(res.status).toBe(304);
    expect(res.body).toBeUndefined();
    expect(res.headers['ETag']).toBe(doc.etag);
  });

  it('lets a hash-pinned URL be cached for good and must-revalidate otherwise', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const pinned = documentResponse(doc, { hash: doc.hash, path: '/openapi/v3/api/v1' }, now);
    expect(pinned.status).toBe(200);
    expect(pinned.headers['Cache-Control']).toBe('public, immutable');
    expect(pinned.headers['Expires']).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    expect(pinned.body).toBe(doc.body);
    expect(documentResponse(doc, {}).headers['Cache-Control']).toBe('no-cache, private');
  });

  it('redirects a stale hash to the current one', () => {
    const res = documentResponse(doc, { hash: 'OLD', path: '/openapi/v3/api/v1' });
    expect(res.status).toBe(301);
    expect(res.headers['Location']).toBe(`/openapi/v3/api/v1?hash=${doc.hash}`);
  });
});
