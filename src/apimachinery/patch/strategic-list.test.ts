/** Strategic merge patch: list strategies, directives and the schema-less fallback, table-driven. */
import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { definitions, podSchema } from './testing/definitions.js';

interface Case {
  name: string;
  original: unknown;
  patch: unknown;
  expected: unknown;
}

const cases: Case[] = [
  {
    name: 'maps merge recursively and null deletes',
    original: { metadata: { labels: { a: '1', b: '2' }, name: 'x' } },
    patch: { metadata: { labels: { a: null, c: '3' } } },
    expected: { metadata: { labels: { b: '2', c: '3' }, name: 'x' } },
  },
  {
    name: 'null for a missing key is ignored; nulls in new maps are dropped',
    original: { metadata: { name: 'x' } },
    patch: { metadata: { uid: null, labels: { a: '1', b: null } } },
    expected: { metadata: { name: 'x', labels: { a: '1' } } },
  },
  {
    name: '$patch: replace on a map',
    original: { metadata: { labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { $patch: 'replace', x: 'y' } } },
    expected: { metadata: { labels: { x: 'y' } } },
  },
  {
    name: '$patch: delete on a map empties it',
    original: { spec: { nodeSelector: { disk: 'ssd' }, restartPolicy: 'Always' } },
    patch: { spec: { nodeSelector: { $patch: 'delete' } } },
    expected: { spec: { nodeSelector: {}, restartPolicy: 'Always' } },
  },
  {
    name: '$patch: merge on a map is the default behaviour',
    original: { metadata: { labels: { a: '1' } } },
    patch: { metadata: { labels: { $patch: 'merge', b: '2' } } },
    expected: { metadata: { labels: { a: '1', b: '2' } } },
  },
  {
    name: '$patch: replace on a merge list',
    original: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    patch: { spec: { containers: [{ name: 'c', image: 'x' }, { $patch: 'replace' }] } },
    expected: { spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
  {
    name: 'lists without a merge strategy are replaced (tolerations)',
    original: { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } },
    patch: { spec: { tolerations: [{ key: 'c' }] } },
    expected: { spec: { tolerations: [{ key: 'c' }] } },
  },
  {
    name: 'atomic primitive lists are replaced (args)',
    original: { spec: { containers: [{ name: 'a', args: ['x', 'y'] }] } },
    patch: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
    expected: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
  },
  {
    name: 'an empty merge list changes nothing; null removes the list',
    original: { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1' }] } },
    patch: { metadata: { finalizers: [], ownerReferences: null } },
    expected: { metadata: { finalizers: ['a'] } },
  },
  {
    name: 'primitive merge lists are unioned, new values first (no order directive)',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['b', 'c'] } },
    expected: { metadata: { finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: 'primitive merge list: unrelated new value goes before the server-only ones',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c'] } },
    expected: { metadata: { finalizers: ['c', 'a', 'b'] } },
  },
  {
    name: '$setElementOrder on a primitive list',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c'] } },
    expected: { metadata: { finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: '$deleteFromPrimitiveList',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zzz'] } },
    expected: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: '$deleteFromPrimitiveList on a missing list adds nothing',
    original: { metadata: {} },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    expected: { metadata: {} },
  },
  {
    name: 'apply of finalizers: add, delete and order together',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: {
      metadata: {
        '$setElementOrder/finalizers': ['a', 'b', 'f'],
        '$deleteFromPrimitiveList/finalizers': ['c'],
        finalizers: ['f'],
      },
    },
    expected: { metadata: { finalizers: ['a', 'b', 'f'] } },
  },
  {
    // Upstream interleaves by live position: c and d precede a in the live list, e does not.
    name: 'server-only items are interleaved with the ordered ones by live position',
    original: {
      spec: { containers: [{ name: 'c' }, { name: 'b' }, { name: 'd' }, { name: 'a' }, { name: 'e' }] },
    },
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [{ name: 'a', image: 'i' }],
      },
    },
    expected: {
      spec: {
        containers: [{ name: 'c' }, { name: 'd' }, { name: 'a', image: 'i' }, { name: 'b' }, { name: 'e' }],
      },
    },
  },
  {
    name: '$setElementOrder may name elements that do not exist',
    original: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }] } },
    expected: { spec: { containers: [{ name: 'b' }, { name: 'a' }] } },
  },
  {
    name: 'merge by a numeric key (ports by containerPort)',
    original: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
    patch: {
      spec: {
        containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }],
      },
    },
    expected: {
      spec: {
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }],
          },
        ],
      },
    },
  },
  {
    name: 'ownerReferences merge by uid',
    original: { metadata: { ownerReferences: [{ uid: 'u1', name: 'rs' }] } },
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } },
    expected: { metadata: { ownerReferences: [{ uid: 'u1', name: 'rs', controller: true }] } },
  },
  {
    name: 'status conditions merge by type',
    original: {
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Initialized', status: 'True' },
        ],
      },
    },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    expected: {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Initialized', status: 'True' },
        ],
      },
    },
  },
  {
    name: '$retainKeys drops the old volume source (volumes: merge,retainKeys)',
    original: {
      spec: {
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'c' } },
        ],
      },
    },
    patch: {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
        volumes: [{ $retainKeys: ['hostPath', 'name'], hostPath: { path: '/tmp' }, name: 'data' }],
      },
    },
    expected: {
      spec: {
        volumes: [
          { name: 'data', hostPath: { path: '/tmp' } },
          { name: 'cfg', configMap: { name: 'c' } },
        ],
      },
    },
  },
  {
    name: 'new list elements are cleaned of nulls and directives',
    original: { spec: { containers: [] } },
    patch: {
      spec: {
        containers: [{ name: 'a', image: null, env: [{ name: 'X', $patch: 'delete' }, { name: 'Y' }] }],
      },
    },
    expected: { spec: { containers: [{ name: 'a', env: [{ name: 'Y' }] }] } },
  },
  {
    name: 'a value of another type replaces',
    original: { metadata: { labels: 'oops' }, spec: { tolerations: { key: 'x' } } },
    patch: { metadata: { labels: { a: '1' } }, spec: { tolerations: [{ key: 'y' }] } },
    expected: { metadata: { labels: { a: '1' } }, spec: { tolerations: [{ key: 'y' }] } },
  },
  {
    name: 'fields the schema does not know get JSON merge patch semantics',
    original: { spec: { extra: { list: [{ name: 'a' }], keep: 1, drop: 2 } } },
    patch: { spec: { extra: { list: [{ name: 'b' }], drop: null, add: { x: null, y: 1 } } } },
    expected: { spec: { extra: { list: [{ name: 'b' }], keep: 1, add: { y: 1 } } } },
  },
  {
    name: 'top-level $patch: delete empties the object',
    original: { metadata: { name: 'x' } },
    patch: { $patch: 'delete' },
    expected: {},
  },
];

describe('strategicMergePatch (Pod schema)', () => {
  it.each(cases)('$name', ({ original, patch, expected }) => {
    expect(strategicMergePatch(original, patch, podSchema, definitions)).toEqual(expected);
  });
});

describe('strategicMergePatch without a schema', () => {
  it('replaces lists that the schema would have merged', () => {
    const original = { spec: { containers: [{ name: 'a', image: 'x' }] }, metadata: { finalizers: ['a'] } };
    const patch = { spec: { containers: [{ name: 'b' }] }, metadata: { finalizers: ['b'] } };
    expect(strategicMergePatch(original, patch, undefined, {})).toEqual({
      spec: { containers: [{ name: 'b' }] },
      metadata: { finalizers: ['b'] },
    });
  });

  it('treats a non-object original as empty', () => {
    expect(strategicMergePatch(null, { a: { b: 1, c: null } }, undefined, {})).toEqual({ a: { b: 1 } });
  });

  it('keeps __proto__ as data', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as unknown;
    const out = strategicMergePatch({}, patch, podSchema, definitions) as { metadata: { labels: object } };
    expect(Object.hasOwn(out.metadata.labels, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
