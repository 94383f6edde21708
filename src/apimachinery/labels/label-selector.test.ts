import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { type LabelSelector, formatLabelSelector, selectorFromLabelSelector } from './label-selector.js';

describe('selectorFromLabelSelector', () => {
  it('null/undefined selects nothing; {} selects everything', () => {
    for (const ls of [null, undefined]) {
      const s = selectorFromLabelSelector(ls);
      expect(s.matches({})).toBe(false);
      expect(s.matches(undefined)).toBe(false);
      expect(s.empty()).toBe(false);
    }
    for (const ls of [{}, { matchLabels: {} }, { matchLabels: null, matchExpressions: [] }]) {
      const s = selectorFromLabelSelector(ls);
      expect(s.matches(undefined)).toBe(true);
      expect(s.matches({ any: 'thing' })).toBe(true);
      expect(s.empty()).toBe(true);
    }
  });

  it.each<[LabelSelector, string]>([
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchLabels: { b: '1', a: '2' } }, 'a=2,b=1'],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, 'tier in (be,fe)'],
    [{ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }] }, 'x notin (a)'],
    [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, 'x'],
    [{ matchExpressions: [{ key: 'x', operator: 'DoesNotExist', values: [] }] }, '!x'],
    [
      {
        matchLabels: { z: 'last', app: 'web' },
        matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }],
      },
      'app=web,env notin (dev),z=last',
    ],
  ])('%j → %s', (ls, expected) => {
    expect(selectorFromLabelSelector(ls).toString()).toBe(expected);
    expect(formatLabelSelector(ls)).toBe(expected);
  });

  it('matches like the string form', () => {
    const s = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.matches({ app: 'web', env: 'prod' })).toBe(true);
    expect(s.matches({ app: 'web', env: 'dev' })).toBe(false);
    expect(s.matches({ app: 'web', env: 'prod', canary: 'true' })).toBe(false);
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'x', operator: 'In' }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'x', operator: 'NotIn', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'x', operator: 'Exists', values: ['a'] }] }, 'values set must be empty'],
    [
      { matchExpressions: [{ key: 'x', operator: 'DoesNotExist', values: ['a'] }] },
      'values set must be empty',
    ],
    [
      { matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] },
      '"Gt" is not a valid label selector operator',
    ],
    [
      { matchExpressions: [{ key: 'x', operator: 'in', values: ['1'] }] },
      '"in" is not a valid label selector operator',
    ],
    [{ matchLabels: { 'a b': 'c' } }, 'key: Invalid value: "a b"'],
    [{ matchLabels: { a: 'b c' } }, 'values[0]: Invalid value: "b c"'],
  ])('rejects %j', (ls, message) => {
    expect(() => selectorFromLabelSelector(ls)).toThrow(StatusError);
    expect(() => selectorFromLabelSelector(ls)).toThrow(message);
    expect(formatLabelSelector(ls)).toBe('<error>');
  });

  it('formats absent and empty selectors as <none>', () => {
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});
