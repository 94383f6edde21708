/** Strategic merge patches the server rejects: all 400 BadRequest. */
import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { definitions, podSchema } from './testing/definitions.js';

const original = {
  metadata: { name: 'x', finalizers: ['a'], labels: { a: 'b' } },
  spec: { containers: [{ name: 'app', image: 'nginx' }], volumes: [{ name: 'v', emptyDir: {} }] },
};

describe('strategicMergePatch rejects', () => {
  it.each<[string, unknown, string]>([
    ['a patch that is not an object', [{ op: 'add' }], 'a strategic merge patch must be a JSON object'],
    [
      'an unknown $patch in a map',
      { metadata: { labels: { $patch: 'frobnicate' } } },
      'unknown $patch directive "frobnicate" in map',
    ],
    [
      'an unknown $patch in a list element',
      { spec: { containers: [{ name: 'app', $patch: 'frobnicate' }] } },
      'unknown $patch directive "frobnicate" in list element',
    ],
    [
      'a merge-list element without its merge key',
      { spec: { containers: [{ image: 'x' }] } },
      'does not contain declared merge key: name',
    ],
    [
      '$patch: delete without the merge key',
      { spec: { containers: [{ $patch: 'delete' }] } },
      'does not contain declared merge key: name',
    ],
    [
      'a patch list out of $setElementOrder order',
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'app' }, { name: 'b' }],
          containers: [{ name: 'b' }, { name: 'app' }],
        },
      },
      'does not match its $setElementOrder/containers list',
    ],
    [
      'a patch list item missing from $setElementOrder',
      { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'other' }] } },
      'does not match its $setElementOrder/containers list',
    ],
    [
      '$setElementOrder that is not a list',
      { spec: { '$setElementOrder/containers': {} } },
      'must be a list',
    ],
    [
      '$setElementOrder items without the merge key',
      { spec: { '$setElementOrder/containers': ['app'] } },
      'merge key: name',
    ],
    ['$setElementOrder naming no field', { spec: { '$setElementOrder/': [] } }, 'no field named'],
    [
      '$deleteFromPrimitiveList that is not a list',
      { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
      'must be a list',
    ],
    [
      '$retainKeys that is not a list',
      { spec: { volumes: [{ name: 'v', $retainKeys: 'name' }] } },
      '$retainKeys must be a list',
    ],
    [
      'a key that $retainKeys does not list',
      { spec: { volumes: [{ name: 'v', $retainKeys: ['name'], hostPath: { path: '/' } }] } },
      '"hostPath", which its $retainKeys list does not name',
    ],
    ['mixed element types', { metadata: { finalizers: [1] } }, 'list element types are not identical'],
    ['lists of lists', { metadata: { finalizers: [['a']] } }, 'lists of lists'],
  ])('%s', (_name, patch, message) => {
    let caught: unknown;
    try {
      strategicMergePatch(original, patch, podSchema, definitions);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).code).toBe(400);
    expect((caught as StatusError).reason).toBe('BadRequest');
    expect((caught as StatusError).message).toContain(message);
  });
});
