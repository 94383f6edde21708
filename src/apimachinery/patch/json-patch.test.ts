import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { MAX_JSON_PATCH_OPERATIONS, jsonPatch } from './json-patch.js';
import { formatPointer, parsePointer } from './json-pointer.js';

describe('jsonPatch applies operations (RFC 6902)', () => {
  it.each<[string, unknown, unknown[], unknown]>([
    [
      'add an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { foo: 'bar', baz: 'qux' },
    ],
    [
      'add an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['add at the array end with -', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['add at index == length', { a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2] }],
    [
      'add an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    [
      'add replaces an existing member',
      { a: 1 },
      [{ op: 'add', path: '/a', value: { b: 2 } }],
      { a: { b: 2 } },
    ],
    [
      'add a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'add with a negative index counts from the end',
      { a: [1, 2, 3] },
      [{ op: 'add', path: '/a/-1', value: 9 }],
      { a: [1, 2, 9, 3] },
    ],
    ['add at the root replaces the document', { a: 1 }, [{ op: 'add', path: '', value: [1] }], [1]],
    ['remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    [
      'remove an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    ['remove the last element with -1', { a: [1, 2] }, [{ op: 'remove', path: '/a/-1' }], { a: [1] }],
    [
      'replace a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    ['replace an array element', { a: [1, 2] }, [{ op: 'replace', path: '/a/0', value: 0 }], { a: [0, 2] }],
    ['replace the root', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    [
      'move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    ['move onto itself', { a: 1 }, [{ op: 'move', from: '/a', path: '/a' }], { a: 1 }],
    [
      'copy a value',
      { a: { b: [1] } },
      [{ op: 'copy', from: '/a', path: '/c' }],
      { a: { b: [1] }, c: { b: [1] } },
    ],
    [
      'test then act',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
        { op: 'remove', path: '/baz' },
      ],
      { foo: ['a', 2, 'c'] },
    ],
    [
      'test compares objects regardless of key order',
      { a: { x: 1, y: [1, { z: 2 }] } },
      [{ op: 'test', path: '/a', value: { y: [1, { z: 2 }], x: 1 } }],
      { a: { x: 1, y: [1, { z: 2 }] } },
    ],
    [
      'test of a missing member against null passes',
      { a: {} },
      [{ op: 'test', path: '/a/b', value: null }],
      { a: {} },
    ],
    [
      '~1 and ~0 escapes',
      { 'a/b': 1, 'm~n': 2 },
      [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ],
      { 'a/b': 3 },
    ],
    ['~01 is ~1 literally', { '~1': 1 }, [{ op: 'replace', path: '/~01', value: 2 }], { '~1': 2 }],
    ['the empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
    [
      'labels with slashes (kubectl-style)',
      { metadata: { labels: {} } },
      [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' }],
      { metadata: { labels: { 'app.kubernetes.io/name': 'web' } } },
    ],
    ['an empty patch', { a: 1 }, [], { a: 1 }],
  ])('%s', (_name, doc, patch, expected) => {
    const before = structuredClone(doc);
    expect(jsonPatch(doc, patch)).toEqual(expected);
    expect(doc).toEqual(before);
  });
});

const statusOf = (fn: () => unknown): { code: number; reason: string; message: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected a StatusError');
};

describe('jsonPatch errors', () => {
  it.each<[string, unknown, unknown, number, string]>([
    ['patch is not an array', {}, { op: 'add' }, 400, 'must be a JSON array'],
    ['operation is not an object', {}, ['x'], 400, 'is not an object'],
    ['missing op', {}, [{ path: '/a' }], 400, 'has no "op"'],
    ['unknown op', {}, [{ op: 'frob', path: '/a' }], 400, 'unknown op "frob"'],
    ['missing path', {}, [{ op: 'remove' }], 400, 'has no "path"'],
    ['path without leading slash', {}, [{ op: 'remove', path: 'a' }], 400, 'invalid path "a"'],
    ['missing value', {}, [{ op: 'add', path: '/a' }], 400, 'has no "value"'],
    ['missing from', {}, [{ op: 'move', path: '/a' }], 400, 'has no "from"'],
    [
      'add under a missing parent',
      { a: {} },
      [{ op: 'add', path: '/b/c', value: 1 }],
      422,
      'missing path: "/b/c"',
    ],
    ['add past the array end', { a: [1] }, [{ op: 'add', path: '/a/3', value: 1 }], 422, 'invalid index'],
    ['remove a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 422, 'missing path: "/b"'],
    ['remove with -', { a: [1] }, [{ op: 'remove', path: '/a/-' }], 422, 'missing path'],
    ['remove the root', { a: 1 }, [{ op: 'remove', path: '' }], 422, 'whole document'],
    [
      'replace a missing member',
      { a: 1 },
      [{ op: 'replace', path: '/b', value: 1 }],
      422,
      'missing path: "/b"',
    ],
    ['replace out of range', { a: [1] }, [{ op: 'replace', path: '/a/1', value: 1 }], 422, 'missing path'],
    [
      'move from a missing path',
      { a: 1 },
      [{ op: 'move', from: '/x', path: '/y' }],
      422,
      'missing path: "/x"',
    ],
    [
      'move into its own child',
      { a: { b: 1 } },
      [{ op: 'move', from: '/a', path: '/a/b/c' }],
      422,
      'own child',
    ],
    [
      'copy from a missing path',
      { a: 1 },
      [{ op: 'copy', from: '/x', path: '/y' }],
      422,
      'missing path: "/x"',
    ],
    ['failed test', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 422, 'test operation failed'],
    [
      'test of a missing member against a value',
      { a: 1 },
      [{ op: 'test', path: '/b', value: 1 }],
      422,
      'test operation failed',
    ],
    ['non-numeric array index', { a: [1] }, [{ op: 'replace', path: '/a/x', value: 1 }], 422, 'missing path'],
  ])('%s', (_name, doc, patch, code, message) => {
    const s = statusOf(() => jsonPatch(doc, patch));
    expect(s.code).toBe(code);
    expect(s.reason).toBe(code === 400 ? 'BadRequest' : 'Invalid');
    expect(s.message).toContain(message);
  });

  it('is all or nothing', () => {
    const doc = { a: 1 };
    expect(() =>
      jsonPatch(doc, [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'test', path: '/a', value: 3 },
      ]),
    ).toThrow(StatusError);
    expect(doc).toEqual({ a: 1 });
  });

  it('limits the number of operations (413)', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({
      op: 'test',
      path: '',
      value: {},
    }));
    expect(statusOf(() => jsonPatch({}, ops)).code).toBe(413);
  });
});

describe('JSON pointers', () => {
  it.each<[string, string[] | undefined]>([
    ['', []],
    ['/', ['']],
    ['/a/b', ['a', 'b']],
    ['/a~1b/m~0n', ['a/b', 'm~n']],
    ['/~01', ['~1']],
    ['a', undefined],
  ])('%j', (pointer, tokens) => {
    expect(parsePointer(pointer)).toEqual(tokens);
    if (tokens) expect(formatPointer(tokens)).toBe(pointer);
  });
});
