/**
 * Behaviour vectors from upstream's strategic merge patch test suite (live object, patch,
 * result), replayed against a schema shaped like its MergeItem type.
 */
import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { mergeItemDefinitions, mergeItemSchema } from './testing/merge-item.js';

type Item = number | Record<string, unknown>;
/** A list of items by name: `L(1, {name: 2, value: 'x'})`. */
const L = (...items: Item[]): Record<string, unknown>[] =>
  items.map((i) => (typeof i === 'number' ? { name: i } : i));
const del = (name: number) => ({ name, $patch: 'delete' });

const cases: [string, unknown, unknown, unknown][] = [
  // [description, live, patch, result]
  [
    'scalars are unioned',
    { mergingIntList: [1, 2] },
    { mergingIntList: [2, 3] },
    { mergingIntList: [1, 2, 3] },
  ],
  [
    '$patch: delete empties a map',
    { simpleMap: { key1: '1' } },
    { simpleMap: { $patch: 'delete' } },
    { simpleMap: {} },
  ],
  [
    'a lone $patch: replace empties a list',
    { mergingList: L(1, 2) },
    { mergingList: [{ $patch: 'replace' }] },
    { mergingList: [] },
  ],
  ['empty lists merge to empty', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
  ['$patch: replace at the top', { name: 1, value: '1' }, { $patch: 'replace' }, {}],
  [
    '$patch: replace keeps the patch keys',
    { name: 1, value: '1' },
    { other: 'a', $patch: 'replace' },
    { other: 'a' },
  ],
  [
    'deleting removes duplicates too',
    { mergingList: L(1, 1, { name: 2, value: 'a' }, 3, 3) },
    { mergingList: [del(1), del(3)] },
    { mergingList: L({ name: 2, value: 'a' }) },
  ],
  [
    'retainKeys strategy alone merges',
    { retainKeysMap: { name: 'foo', value: 'a' } },
    { retainKeysMap: { value: 'b' } },
    { retainKeysMap: { name: 'foo', value: 'b' } },
  ],
  [
    'patch order wins over live order',
    { mergingList: L(1, { name: 2, value: 'b' }, 3) },
    { mergingList: L({ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }) },
    { mergingList: L({ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }) },
  ],
  [
    'server-only items stay ahead when the live list says so',
    { mergingList: L(1, { name: 2, value: 'b' }, 3) },
    { mergingList: L({ name: 3, value: 'c' }, { name: 1, value: 'a' }) },
    { mergingList: L({ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }) },
  ],
  [
    'int list in patch order',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1] },
    { mergingIntList: [2, 3, 1] },
  ],
  [
    '$setElementOrder may name absent items',
    { mergingList: L(1, 3) },
    {
      '$setElementOrder/mergingList': L(3, 2, 1),
      mergingList: L({ name: 3, value: '3' }, { name: 1, value: '1' }),
    },
    { mergingList: L({ name: 3, value: '3' }, { name: 1, value: '1' }) },
  ],
  [
    '$setElementOrder on an int list alone',
    { mergingIntList: [1, 3] },
    { '$setElementOrder/mergingIntList': [3, 2, 1] },
    { mergingIntList: [3, 1] },
  ],
  [
    'deleting an absent primitive adds nothing',
    { mergingIntList: [1, 2] },
    { '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2] },
  ],
  [
    'deleting from a missing primitive list adds no list',
    { foo: ['bar'] },
    { '$deleteFromPrimitiveList/mergingIntList': [3] },
    { foo: ['bar'] },
  ],
  [
    'deleting from a non-merging primitive list',
    { nonMergingIntList: [1, 2, 3] },
    { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    { nonMergingIntList: [1, 3] },
  ],
  [
    'a new list drops delete directives',
    { name: 'hi' },
    { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'gone' }] },
    { name: 'hi', mergingList: [{ name: 'hello' }] },
  ],
  [
    'a new item goes before a server-only one',
    { mergingList: [{ name: 'hello2' }] },
    {
      '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'gone' }],
      mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'gone' }],
    },
    { mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  ],
  [
    'delete with order keeps the server-only tail',
    { mergingIntList: [1, 2, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'added items placed by $setElementOrder',
    { mergingList: L({ name: 1, other: 'a' }, { name: 2, value: '2', other: 'b' }) },
    {
      '$setElementOrder/mergingList': L(4, 1, 2, 3),
      mergingList: L({ name: 4, value: '4' }, { name: 3, value: '3' }),
    },
    {
      mergingList: L(
        { name: 4, value: '4' },
        { name: 1, other: 'a' },
        { name: 2, value: '2', other: 'b' },
        { name: 3, value: '3' },
      ),
    },
  ],
  [
    'an item the patch adds lands after the live ones it follows',
    { mergingList: L({ name: 1, other: 'a' }, { name: 3, value: '2', other: 'b' }) },
    {
      '$setElementOrder/mergingList': L(1, 2),
      mergingList: L({ name: 1, value: '1' }, { name: 2, value: '2' }),
    },
    {
      mergingList: L(
        { name: 1, value: '1', other: 'a' },
        { name: 2, value: '2' },
        { name: 3, value: '2', other: 'b' },
      ),
    },
  ],
  [
    'add one and delete one',
    { mergingList: L(1, { name: 2, other: 'b' }, { name: 4, other: 'c' }) },
    { '$setElementOrder/mergingList': L(2, 3), mergingList: [{ name: 3 }, del(1)] },
    { mergingList: L({ name: 2, other: 'b' }, { name: 4, other: 'c' }, 3) },
  ],
  [
    'add two and delete one',
    { mergingList: L({ name: 1, other: 'a' }, { name: 4, other: 'c' }) },
    { '$setElementOrder/mergingList': L(2, 3), mergingList: [{ name: 2 }, { name: 3 }, del(1)] },
    { mergingList: L({ name: 4, other: 'c' }, 2, 3) },
  ],
  [
    'delete a missing item, add one',
    { mergingList: L({ name: 3, other: 'a' }) },
    { '$setElementOrder/mergingList': L(2), mergingList: [{ name: 2 }, del(1)] },
    { mergingList: L(2, { name: 3, other: 'a' }) },
  ],
  [
    'non-merging lists nested in merging ones are replaced',
    {
      mergingList: L(
        { name: 1, other: 'a', nonMergingList: L(1, { name: 2, value: '2' }) },
        { name: 2, other: 'b' },
      ),
    },
    {
      '$setElementOrder/mergingList': L(1, 2),
      mergingList: L({ name: 1, nonMergingList: L({ name: 1, value: '1' }) }),
    },
    {
      mergingList: L(
        { name: 1, other: 'a', nonMergingList: L({ name: 1, value: '1' }) },
        { name: 2, other: 'b' },
      ),
    },
  ],
  [
    'nested order directives',
    {
      mergingList: L(
        { name: 1, other: 'a', mergingList: L({ name: 2, value: '2', other: 'd' }) },
        { name: 2, other: 'b' },
      ),
    },
    {
      '$setElementOrder/mergingList': L(1, 2),
      mergingList: [
        { '$setElementOrder/mergingList': L(2, 1), name: 1, mergingList: L({ name: 1, value: '1' }) },
      ],
    },
    {
      mergingList: L(
        { name: 1, other: 'a', mergingList: L({ name: 2, value: '2', other: 'd' }, { name: 1, value: '1' }) },
        { name: 2, other: 'b' },
      ),
    },
  ],
  [
    'scalars placed by $setElementOrder',
    { mergingIntList: [1, 2, 4] },
    { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3] },
    { mergingIntList: [1, 2, 3, 4] },
  ],
  [
    'scalar server-only items interleave',
    { mergingIntList: [1, 4, 2] },
    { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] },
    { mergingIntList: [3, 1, 4, 2] },
  ],
  [
    'add and delete scalars with order',
    { mergingIntList: [1, 2, 3] },
    {
      '$setElementOrder/mergingIntList': [4, 2, 1],
      mergingIntList: [4],
      '$deleteFromPrimitiveList/mergingIntList': [3],
    },
    { mergingIntList: [4, 2, 1] },
  ],
  [
    'reorder with a trailing server-only item',
    { mergingList: L({ name: 1, other: 'a' }, 3, 4, 2, 9) },
    { '$setElementOrder/mergingList': L(4, 2, 3, 1) },
    { mergingList: L(4, 2, 3, { name: 1, other: 'a' }, 9) },
  ],
  [
    'reorder with server-only items in the middle',
    { mergingIntList: [1, 2, 7, 9, 8, 3, 4] },
    { '$setElementOrder/mergingIntList': [2, 1, 4, 3] },
    { mergingIntList: [2, 1, 7, 9, 8, 4, 3] },
  ],
  [
    'reorder a list with duplicate keys',
    { mergingList: L(1, { name: 2, value: 'dup1' }, 3, { name: 2, value: 'dup2' }, 4) },
    { '$setElementOrder/mergingList': L(2, 1, 4, 3, 2) },
    { mergingList: L({ name: 2, value: 'dup1' }, { name: 2, value: 'dup2' }, 1, 4, 3) },
  ],
  [
    '$retainKeys clears a defaulted field',
    { retainKeysMap: { value: 'foo' } },
    { retainKeysMap: { $retainKeys: ['other'], other: 'bar' } },
    { retainKeysMap: { other: 'bar' } },
  ],
  [
    '$retainKeys with a deletion',
    { retainKeysMap: { name: 'foo', value: 'bar', other: 'a' } },
    { retainKeysMap: { $retainKeys: ['name'], value: null } },
    { retainKeysMap: { name: 'foo' } },
  ],
  [
    '$retainKeys keeps nested maps merging',
    { retainKeysMap: { name: 'foo', simpleMap: { key1: 'a', key3: 'c' } } },
    { retainKeysMap: { $retainKeys: ['name', 'simpleMap'], simpleMap: { key2: 'b' } } },
    { retainKeysMap: { name: 'foo', simpleMap: { key1: 'a', key2: 'b', key3: 'c' } } },
  ],
  [
    'a replace-strategy map is replaced',
    { replacingItem: { a: 1, b: 2 } },
    { replacingItem: { c: 3 } },
    { replacingItem: { c: 3 } },
  ],
];

describe('strategic merge patch: upstream behaviour vectors', () => {
  it.each(cases)('%s', (_name, live, patch, result) => {
    expect(strategicMergePatch(live, patch, mergeItemSchema, mergeItemDefinitions)).toEqual(result);
  });

  it('rejects a patch list out of $setElementOrder order', () => {
    expect(() =>
      strategicMergePatch(
        { mergingIntList: [1, 3, 2] },
        { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] },
        mergeItemSchema,
        mergeItemDefinitions,
      ),
    ).toThrow(/does not match/);
  });
});
