/**
 * A schema shaped like the `MergeItem` test type of upstream's strategic merge patch tests,
 * so their documented cases can be replayed here.
 */
import type { Definitions, Schema } from '../../schema.js';

const ref: Schema = { $ref: '#/definitions/test.MergeItem' };
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const byName = (strategy: string): Partial<Schema> => ({
  'x-kubernetes-patch-merge-key': 'name',
  'x-kubernetes-patch-strategy': strategy,
});

export const mergeItemDefinitions: Definitions = {
  'test.MergeItem': {
    type: 'object',
    properties: {
      name: int,
      value: str,
      other: str,
      mergingList: { type: 'array', items: ref, ...byName('merge') },
      nonMergingList: { type: 'array', items: ref },
      mergingIntList: { type: 'array', items: int, 'x-kubernetes-patch-strategy': 'merge' },
      nonMergingIntList: { type: 'array', items: int },
      mergeItemPtr: { type: 'array', items: ref, ...byName('merge') },
      simpleMap: { type: 'object', additionalProperties: str },
      replacingItem: { type: 'object', 'x-kubernetes-patch-strategy': 'replace' },
      retainKeysMap: {
        $ref: '#/definitions/test.RetainKeysMergeItem',
        'x-kubernetes-patch-strategy': 'retainKeys',
      },
      retainKeysMergingList: { type: 'array', items: ref, ...byName('merge,retainKeys') },
    },
  },
  'test.RetainKeysMergeItem': {
    type: 'object',
    properties: {
      name: str,
      value: str,
      other: str,
      simpleMap: { type: 'object', additionalProperties: str },
      mergingIntList: { type: 'array', items: int, 'x-kubernetes-patch-strategy': 'merge' },
      mergingList: { type: 'array', items: ref, ...byName('merge') },
      nonMergingList: { type: 'array', items: ref },
    },
  },
};

export const mergeItemSchema: Schema = ref;
