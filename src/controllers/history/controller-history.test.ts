import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  controllerRevisionName,
  equalRevision,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  sortControllerRevisions,
} from './controller-history.js';
import { fnv32, fnv32a } from './hash.js';

const parent = {
  obj: { metadata: { name: 'web', namespace: 'default', uid: 'u1' } },
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
};

const rev = (name: string, revision: number, data: unknown, created = '2024-01-01T00:00:00Z') =>
  ({ metadata: { name, creationTimestamp: created }, data, revision }) as ControllerRevision;

describe('controller history', () => {
  it('hashes with FNV-1 (not 1a) and encodes the digits safely', () => {
    // Reference values of Go's hash/fnv for "a".
    expect(fnv32(new TextEncoder().encode('a'))).toBe(0x050c5d7e);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    const h = hashControllerRevision({ a: 1 });
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(hashControllerRevision({ a: 1 })).toBe(h);
    expect(hashControllerRevision({ a: 2 })).not.toBe(h);
    expect(hashControllerRevision({ a: 1 }, 1)).not.toBe(h);
  });

  it('names revisions <parent>-<hash>, cutting long prefixes to 223 characters', () => {
    expect(controllerRevisionName('web', 'abc')).toBe('web-abc');
    expect(controllerRevisionName('x'.repeat(300), 'h')).toHaveLength(225);
  });

  it('builds a revision owned by its parent with the template labels and the hash label', () => {
    const cr = newControllerRevision(parent, { app: 'web' }, { spec: {} }, 3, 0);
    const hash = hashControllerRevision({ spec: {} }, 0);
    expect(cr.metadata?.name).toBe(`web-${hash}`);
    expect(cr.metadata?.labels).toEqual({ app: 'web', [CONTROLLER_REVISION_HASH_LABEL]: hash });
    expect(cr.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      uid: 'u1',
      controller: true,
    });
    expect(cr.revision).toBe(3);
  });

  it('compares by data, sorts by revision then creation then name, and numbers the next one', () => {
    expect(equalRevision(rev('a', 1, { x: 1 }), rev('b', 2, { x: 1 }))).toBe(true);
    expect(equalRevision(rev('a', 1, { x: 1 }), rev('b', 2, { x: 2 }))).toBe(false);
    const sorted = sortControllerRevisions([
      rev('c', 2, {}),
      rev('b', 1, {}, '2024-01-02T00:00:00Z'),
      rev('a', 1, {}, '2024-01-02T00:00:00Z'),
      rev('z', 1, {}),
    ]);
    expect(sorted.map((r) => r.metadata?.name)).toEqual(['z', 'a', 'b', 'c']);
    expect(nextRevision(sorted)).toBe(3);
    expect(nextRevision([])).toBe(1);
  });
});
