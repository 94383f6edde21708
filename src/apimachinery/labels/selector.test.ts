import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from './parser.js';
import { type Labels, Requirement } from './requirement.js';
import {
  everythingSelector,
  nothingSelector,
  selectorFromSet,
  validatedSelectorFromSet,
} from './selector.js';

describe('Selector.matches', () => {
  it.each<[string, Labels | undefined, boolean]>([
    ['', undefined, true],
    ['', { a: 'b' }, true],
    ['a=b', { a: 'b' }, true],
    ['a==b', { a: 'b', c: 'd' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a=b', undefined, false],
    ['a!=b', {}, true],
    ['a!=b', undefined, true],
    ['a!=b', { a: 'b' }, false],
    ['a!=b', { a: 'c' }, true],
    ['a in (b,c)', { a: 'c' }, true],
    ['a in (b,c)', { a: 'd' }, false],
    ['a in (b,c)', {}, false],
    ['a notin (b)', {}, true],
    ['a notin (b)', { a: 'b' }, false],
    ['a notin (b)', { a: 'x' }, true],
    ['a', { a: '' }, true],
    ['a', {}, false],
    ['!a', {}, true],
    ['!a', { a: '' }, false],
    ['a>5', { a: '6' }, true],
    ['a>5', { a: '5' }, false],
    ['a>5', { a: 'x' }, false],
    ['a>5', {}, false],
    ['a<5', { a: '-3' }, true],
    ['a<5', { a: '+4' }, true],
    ['a<5', { a: '5.0' }, false],
    ['a>9223372036854775806', { a: '9223372036854775807' }, true],
    ['a<1', { a: '-9223372036854775809' }, false],
    ['a=', { a: '' }, true],
    ['a=', {}, false],
    ['a=b,c', { a: 'b', c: 'x' }, true],
    ['a=b,c', { a: 'b' }, false],
    ['constructor', {}, false],
    ['!toString', {}, true],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });
});

describe('everything and nothing', () => {
  it('everything matches all and is empty', () => {
    const s = everythingSelector();
    expect(s.matches(undefined)).toBe(true);
    expect(s.matches({ a: 'b' })).toBe(true);
    expect(s.empty()).toBe(true);
    expect(s.toString()).toBe('');
  });

  it('nothing matches none, is not empty, and stays nothing when added to', () => {
    const s = nothingSelector();
    expect(s.matches(undefined)).toBe(false);
    expect(s.matches({})).toBe(false);
    expect(s.empty()).toBe(false);
    expect(s.toString()).toBe('');
    expect(s.add(new Requirement('a', 'exists', [])).matches({ a: 'x' })).toBe(false);
  });

  it('add keeps requirements sorted', () => {
    const s = parseLabelSelector('b=1').add(new Requirement('a', '!', []));
    expect(s.toString()).toBe('!a,b=1');
    expect(s.matches({ b: '1' })).toBe(true);
  });
});

describe('requiresExactMatch', () => {
  it.each([
    ['a=b,c!=d', 'a', 'b'],
    ['a=b,c!=d', 'c', undefined],
    ['x in (y)', 'x', 'y'],
    ['x in (y,z)', 'x', undefined],
    ['x==y', 'x', 'y'],
    ['x', 'x', undefined],
  ])('%j / %s', (sel, key, expected) => {
    expect(parseLabelSelector(sel).requiresExactMatch(key)).toBe(expected);
  });
});

describe('selectorFromSet', () => {
  it('selects exactly the set', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    expect(s.toString()).toBe('a=1,b=2');
    expect(s.matches({ a: '1', b: '2', c: '3' })).toBe(true);
    expect(s.matches({ a: '1' })).toBe(false);
    expect(selectorFromSet(undefined).empty()).toBe(true);
  });

  it('validates on request', () => {
    expect(() => validatedSelectorFromSet({ 'bad key': 'x' })).toThrow(/Invalid value: "bad key"/);
    expect(selectorFromSet({ 'bad key': 'x' }).toString()).toBe('bad key=x');
  });
});
