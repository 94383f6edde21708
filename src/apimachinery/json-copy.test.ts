import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { copyJson, jsonEqual } from './json-copy.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'a', labels: { app: 'web' }, annotations: {} },
  spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }], priority: 0 },
  status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] },
};

describe('copyJson', () => {
  it('copies deeply: changing the copy leaves the original alone', () => {
    const copy = copyJson(pod);
    expect(copy).toEqual(pod);
    copy.metadata.labels.app = 'db';
    copy.spec.containers[0]?.command.push('x');
    expect(pod.metadata.labels.app).toBe('web');
    expect(pod.spec.containers[0]?.command).toEqual(['sleep', '1']);
  });

  it('keeps undefined values and copies non-JSON objects like structuredClone', () => {
    const when = new Date(0);
    const copy = copyJson({ a: undefined, when, list: [undefined, null] });
    expect(Object.keys(copy)).toEqual(['a', 'when', 'list']);
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(0);
    expect(copy.list).toEqual([undefined, null]);
  });
});

describe('jsonEqual', () => {
  const cases: [string, unknown, unknown][] = [
    ['equal pods', pod, structuredClone(pod)],
    ['a changed label', pod, { ...pod, metadata: { ...pod.metadata, labels: { app: 'db' } } }],
    ['an undefined key against a missing one', { a: 1, b: undefined }, { a: 1 }],
    ['a missing key against an undefined one', { a: 1 }, { a: 1, b: undefined }],
    ['same keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['arrays of different lengths', [1, 2], [1, 2, 3]],
    ['an array against an object', [1], { 0: 1 }],
    ['null against an object', null, {}],
    ['0 against -0', 0, -0],
    ['NaN against NaN', NaN, NaN],
    ['1 against "1"', 1, '1'],
    ['equal dates', { d: new Date(5) }, { d: new Date(5) }],
    ['different dates', { d: new Date(5) }, { d: new Date(6) }],
  ];
  it.each(cases)('answers like isDeepStrictEqual: %s', (_name, a, b) => {
    expect(jsonEqual(a, b)).toBe(isDeepStrictEqual(a, b));
  });
});
