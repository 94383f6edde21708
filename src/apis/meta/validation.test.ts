import { describe, expect, it } from 'vitest';
import { FieldPath } from '../../apimachinery/validation/field.js';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
} from '../../apimachinery/validation/names.js';
import { validateLabelSelector } from './label-selector.js';
import {
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from './validation.js';

const brief = (errs: { type: string; field: string }[]) => errs.map((e) => `${e.type} ${e.field}`);

describe('names', () => {
  it.each<[string, (v: string) => string[], string, number]>([
    ['label ok', isDNS1123Label, 'my-name-1', 0],
    ['label dots', isDNS1123Label, 'a.b', 1],
    ['label upper', isDNS1123Label, 'MyName', 1],
    ['label long', isDNS1123Label, 'a'.repeat(64), 1],
    ['subdomain ok', isDNS1123Subdomain, 'example.com', 0],
    ['subdomain trailing dash', isDNS1123Subdomain, 'example-', 1],
    ['1035 digit start', isDNS1035Label, '1abc', 1],
    ['qualified ok', isQualifiedName, 'example.com/My_name', 0],
    ['qualified empty prefix', isQualifiedName, '/name', 1],
    ['qualified two slashes', isQualifiedName, 'a/b/c', 1],
    ['qualified long name', isQualifiedName, 'x'.repeat(64), 1],
    ['label value empty ok', isValidLabelValue, '', 0],
    ['label value space', isValidLabelValue, 'a b', 1],
    ['env var ok', isEnvVarName, 'MY_ENV.NAME', 0],
    ['env var digit start', isEnvVarName, '1X', 1],
    ['env var dots', isEnvVarName, '..', 1],
    ['config key ok', isConfigMapKey, 'app.properties', 0],
    ['config key slash', isConfigMapKey, 'a/b', 1],
    ['port name ok', isValidPortName, 'http-alt', 0],
    ['port name digits only', isValidPortName, '8080', 1],
    ['port name double dash', isValidPortName, 'a--b', 1],
  ])('%s', (_n, fn, value, count) => {
    expect(fn(value)).toHaveLength(count);
  });

  it('words messages like upstream', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('x'.repeat(64))[0]).toBe('must be no more than 63 characters');
    expect(isQualifiedName('/x')).toEqual(['prefix part must be non-empty']);
    expect(isDNS1123Subdomain('A')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('allows a trailing dash in a generateName', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toHaveLength(1);
    expect(nameIsDNSLabel('a.b-', true)).toHaveLength(1);
    expect(validatePathSegmentName('..', false)).toEqual(["may not be '..'"]);
    expect(validatePathSegmentName('a/b%', false)).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
});

describe('validateObjectMeta', () => {
  const ns = { namespaced: true, nameFn: nameIsDNSSubdomain };
  it.each<[string, object, { namespaced: boolean; nameFn: typeof nameIsDNSSubdomain }, string[]]>([
    ['valid', { name: 'a', namespace: 'default' }, ns, []],
    ['no name', { namespace: 'default' }, ns, ['FieldValueRequired metadata.name']],
    [
      'bad generateName',
      { generateName: 'Web-', name: 'web-x', namespace: 'default' },
      ns,
      ['FieldValueInvalid metadata.generateName'],
    ],
    ['no namespace', { name: 'a' }, ns, ['FieldValueRequired metadata.namespace']],
    ['bad namespace', { name: 'a', namespace: 'a.b' }, ns, ['FieldValueInvalid metadata.namespace']],
    [
      'namespace on cluster-scoped',
      { name: 'a', namespace: 'x' },
      { namespaced: false, nameFn: nameIsDNSSubdomain },
      ['FieldValueForbidden metadata.namespace'],
    ],
    [
      'label key',
      { name: 'a', namespace: 'd', labels: { 'a b': 'x' } },
      ns,
      ['FieldValueInvalid metadata.labels'],
    ],
    [
      'label value',
      { name: 'a', namespace: 'd', labels: { a: 'x'.repeat(64) } },
      ns,
      ['FieldValueInvalid metadata.labels'],
    ],
    [
      'annotation key',
      { name: 'a', namespace: 'd', annotations: { 'Example.COM/Key': 'ok', 'bad key': 'x' } },
      ns,
      ['FieldValueInvalid metadata.annotations'],
    ],
    [
      'annotations too big',
      { name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024) } },
      ns,
      ['FieldValueTooLong metadata.annotations'],
    ],
    [
      'finalizer not qualified',
      { name: 'a', namespace: 'd', finalizers: ['a b'] },
      ns,
      ['FieldValueInvalid metadata.finalizers', 'FieldValueInvalid metadata.finalizers[0]'],
    ],
    [
      'finalizer not standard',
      { name: 'a', namespace: 'd', finalizers: ['custom'] },
      ns,
      ['FieldValueInvalid metadata.finalizers[0]'],
    ],
    [
      'standard finalizers',
      { name: 'a', namespace: 'd', finalizers: ['kubernetes', 'example.com/x'] },
      ns,
      [],
    ],
    [
      'owner reference',
      {
        name: 'a',
        namespace: 'd',
        ownerReferences: [{ apiVersion: '', kind: 'Deployment', name: 'x', uid: '' }],
      },
      ns,
      [
        'FieldValueInvalid metadata.ownerReferences.apiVersion',
        'FieldValueInvalid metadata.ownerReferences.uid',
      ],
    ],
    [
      'two controllers',
      {
        name: 'a',
        namespace: 'd',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'y', uid: '2', controller: true },
        ],
      },
      ns,
      ['FieldValueInvalid metadata.ownerReferences'],
    ],
  ])('%s', (_n, meta, opts, expected) => {
    expect(brief(validateObjectMeta(meta, opts))).toEqual(expected);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'a',
    namespace: 'd',
    uid: 'u',
    creationTimestamp: '2024-01-01T00:00:00Z',
    generation: 2,
  };
  it.each<[string, object, object, string[]]>([
    ['labels may change', { ...old, labels: { a: 'b' } }, old, []],
    ['name', { ...old, name: 'b' }, old, ['FieldValueInvalid metadata.name']],
    ['namespace', { ...old, namespace: 'e' }, old, ['FieldValueInvalid metadata.namespace']],
    ['uid', { ...old, uid: 'v' }, old, ['FieldValueInvalid metadata.uid']],
    [
      'creationTimestamp',
      { ...old, creationTimestamp: '2024-02-01T00:00:00Z' },
      old,
      ['FieldValueInvalid metadata.creationTimestamp'],
    ],
    ['generation down', { ...old, generation: 1 }, old, ['FieldValueInvalid metadata.generation']],
    [
      'finalizer added while deleting',
      { ...old, deletionTimestamp: 'x', finalizers: ['example.com/f'] },
      { ...old, deletionTimestamp: 'x' },
      ['FieldValueForbidden metadata.finalizers'],
    ],
  ])('%s', (_n, next, prev, expected) => {
    expect(brief(validateObjectMetaUpdate(next, prev))).toEqual(expected);
  });

  it('words the immutable-field error like upstream', () => {
    expect(validateObjectMetaUpdate({ ...old, name: 'b' }, old)).toEqual([
      { type: 'FieldValueInvalid', field: 'metadata.name', value: 'b', detail: 'field is immutable' },
    ]);
  });
});

describe('validateLabelSelector', () => {
  const path = FieldPath.root('spec').child('selector');
  it.each<[string, object, string[]]>([
    [
      'valid',
      { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
      [],
    ],
    [
      'In without values',
      { matchExpressions: [{ key: 'tier', operator: 'In' }] },
      ['FieldValueRequired spec.selector.matchExpressions[0].values'],
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] },
      ['FieldValueForbidden spec.selector.matchExpressions[0].values'],
    ],
    [
      'bad operator',
      { matchExpressions: [{ key: 'tier', operator: 'Is' }] },
      ['FieldValueInvalid spec.selector.matchExpressions[0].operator'],
    ],
    [
      'bad value',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a b'] }] },
      ['FieldValueInvalid spec.selector.matchExpressions[0].values[0]'],
    ],
  ])('%s', (_n, sel, expected) => {
    expect(brief(validateLabelSelector(sel as never, path))).toEqual(expected);
  });
});
