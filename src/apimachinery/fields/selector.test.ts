import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import {
  type FieldRequirement,
  type Fields,
  escapeFieldValue,
  everythingFields,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
} from './selector.js';
import { checkSelectableFields, objectMetaFields } from './supported.js';

const expectBadRequest = (fn: () => unknown, message: string): void => {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StatusError);
  expect((caught as StatusError).code).toBe(400);
  expect((caught as StatusError).reason).toBe('BadRequest');
  expect((caught as StatusError).message).toBe(message);
};

describe('parseFieldSelector', () => {
  it.each<[string, FieldRequirement[], string]>([
    ['', [], ''],
    [',', [], ''],
    ['metadata.name=foo', [{ field: 'metadata.name', operator: '=', value: 'foo' }], 'metadata.name=foo'],
    [
      'status.phase==Running',
      [{ field: 'status.phase', operator: '=', value: 'Running' }],
      'status.phase=Running',
    ],
    ['spec.nodeName!=', [{ field: 'spec.nodeName', operator: '!=', value: '' }], 'spec.nodeName!='],
    [
      'status.phase!=Failed,metadata.name=foo',
      [
        { field: 'metadata.name', operator: '=', value: 'foo' },
        { field: 'status.phase', operator: '!=', value: 'Failed' },
      ],
      'metadata.name=foo,status.phase!=Failed',
    ],
    ['a=x\\,y', [{ field: 'a', operator: '=', value: 'x,y' }], 'a=x\\,y'],
    ['a=x\\=y', [{ field: 'a', operator: '=', value: 'x=y' }], 'a=x\\=y'],
    ['a=x\\\\y', [{ field: 'a', operator: '=', value: 'x\\y' }], 'a=x\\\\y'],
    ['a==', [{ field: 'a', operator: '=', value: '' }], 'a='],
    ['=x', [{ field: '', operator: '=', value: 'x' }], '=x'],
    [' a = b ', [{ field: ' a ', operator: '=', value: ' b ' }], ' a = b '],
  ])('%j', (input, requirements, str) => {
    const sel = parseFieldSelector(input);
    expect(sel.requirements()).toEqual(requirements);
    expect(sel.toString()).toBe(str);
    expect(sel.empty()).toBe(requirements.length === 0);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: ='],
    ['a!==b', 'invalid field selector: unescaped character in value: ='],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (input, message) => {
    expectBadRequest(() => parseFieldSelector(input), message);
  });
});

describe('FieldSelector.matches', () => {
  const pod: Fields = {
    'metadata.name': 'web',
    'spec.nodeName': 'node-1',
    'status.phase': 'Running',
    'x,y': 'a=b',
  };
  it.each<[string, Fields, boolean]>([
    ['', {}, true],
    ['metadata.name=web', pod, true],
    ['metadata.name=api', pod, false],
    ['metadata.name!=api', pod, true],
    ['spec.nodeName!=', pod, true],
    ['spec.nodeName!=', { 'spec.nodeName': '' }, false],
    ['spec.nodeName!=', {}, false],
    ['spec.nodeName=', {}, true],
    ['status.phase==Running,spec.nodeName=node-1', pod, true],
    ['status.phase==Running,spec.nodeName=node-2', pod, false],
    ['missing=', pod, true],
    ['missing!=x', pod, true],
    ['constructor=', {}, true],
  ])('%j on %j → %s', (sel, fields, expected) => {
    expect(parseFieldSelector(sel).matches(fields)).toBe(expected);
  });
});

describe('helpers', () => {
  it('escapes and unescapes', () => {
    for (const v of ['', 'plain', 'a,b', 'a=b', 'a\\b', '\\,=']) {
      expect(unescapeFieldValue(escapeFieldValue(v))).toBe(v);
    }
    expect(escapeFieldValue('a\\b,c=d')).toBe('a\\\\b\\,c\\=d');
  });

  it('builds selectors from sets and reads exact matches', () => {
    const sel = fieldSelectorFromSet({ 'spec.nodeName': 'n1', 'metadata.name': 'a,b' });
    expect(sel.toString()).toBe('metadata.name=a\\,b,spec.nodeName=n1');
    expect(sel.requiresExactMatch('metadata.name')).toBe('a,b');
    expect(parseFieldSelector('metadata.name!=x').requiresExactMatch('metadata.name')).toBeUndefined();
    expect(everythingFields().matches({})).toBe(true);
  });

  it('transforms terms, dropping empty ones', () => {
    const sel = parseFieldSelector('spec.host=n1,metadata.name=x').transform((f, v) =>
      f === 'spec.host' ? ['spec.nodeName', v] : f === 'metadata.name' ? ['', ''] : [f, v],
    );
    expect(sel.toString()).toBe('spec.nodeName=n1');
  });
});

describe('checkSelectableFields', () => {
  it('accepts object metadata and the listed fields', () => {
    expect(() =>
      checkSelectableFields(parseFieldSelector('metadata.name=a,metadata.namespace=b,spec.nodeName=c'), [
        'spec.nodeName',
      ]),
    ).not.toThrow();
    expect(() => checkSelectableFields(parseFieldSelector(''))).not.toThrow();
  });

  it.each([
    ['spec.nodeName=x', [], 'field label not supported: spec.nodeName'],
    ['status.phase=Running,metadata.name=x', ['spec.nodeName'], 'field label not supported: status.phase'],
    ['=x', [], 'field label not supported: '],
  ])('%j', (sel, supported, message) => {
    expectBadRequest(() => checkSelectableFields(parseFieldSelector(sel), supported), message);
  });

  it('produces the object-metadata field set', () => {
    expect(objectMetaFields({ name: 'a', namespace: 'b' }, true)).toEqual({
      'metadata.name': 'a',
      'metadata.namespace': 'b',
    });
    expect(objectMetaFields({ name: 'n1' }, false)).toEqual({ 'metadata.name': 'n1' });
  });
});
