import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { applyPatch } from './index.js';
import { definitions, podSchema } from './testing/definitions.js';

const pod = {
  metadata: { name: 'x', labels: { a: '1' } },
  spec: { containers: [{ name: 'c', image: 'i' }] },
};

describe('applyPatch', () => {
  it.each<[string, unknown, unknown]>([
    [
      'application/json-patch+json',
      [{ op: 'remove', path: '/metadata/labels/a' }],
      { ...pod, metadata: { name: 'x', labels: {} } },
    ],
    [
      'application/merge-patch+json',
      { spec: { containers: [{ name: 'd' }] } },
      { ...pod, spec: { containers: [{ name: 'd' }] } },
    ],
    [
      'application/strategic-merge-patch+json',
      { spec: { containers: [{ name: 'd' }] } },
      { ...pod, spec: { containers: [{ name: 'd' }, { name: 'c', image: 'i' }] } },
    ],
    [
      'Application/Merge-Patch+JSON; charset=utf-8',
      { metadata: { labels: null } },
      { ...pod, metadata: { name: 'x' } },
    ],
  ])('%s', (type, patch, expected) => {
    expect(applyPatch(type, pod, patch, podSchema, definitions)).toEqual(expected);
  });

  it.each([
    ['application/apply-patch+yaml', 'server-side apply is not supported'],
    ['application/json', 'accepted patch media types include: application/json-patch+json'],
    ['', 'unknown format: (none)'],
  ])('415 for %j', (type, message) => {
    let caught: unknown;
    try {
      applyPatch(type, pod, undefined, podSchema, definitions);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).code).toBe(415);
    expect((caught as StatusError).reason).toBe('UnsupportedMediaType');
    expect((caught as StatusError).message).toContain(message);
  });
});
