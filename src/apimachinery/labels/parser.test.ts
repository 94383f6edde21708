import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { parseLabelSelector } from './parser.js';

describe('parseLabelSelector: valid selectors', () => {
  it.each([
    ['', ''],
    ['   ', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['y!=b,x=a', 'x=a,y!=b'],
    [' x = a ,\ty\tin ( b , a )\n', 'x=a,y in (a,b)'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x in (a,a)', 'x in (a)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    [' ! x ', '!x'],
    ['x,!y,z=1', 'x,!y,z=1'],
    ['x>1', 'x>1'],
    ['x<-1', undefined],
    ['x<10', 'x<10'],
    ['x=', 'x='],
    ['x=,y', 'x=,y'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['a=in', 'a=in'],
    ['in in (notin)', 'in in (notin)'],
    ['notin', 'notin'],
    ['example.com/app=web', 'example.com/app=web'],
    ['app.kubernetes.io/name in (nginx)', 'app.kubernetes.io/name in (nginx)'],
  ])('%j → %j', (input, expected) => {
    if (expected === undefined) {
      expect(() => parseLabelSelector(input)).toThrow(StatusError);
      return;
    }
    const sel = parseLabelSelector(input);
    expect(sel.toString()).toBe(expected);
    expect(sel.empty()).toBe(expected === '');
    // The string form parses back to the same selector.
    expect(parseLabelSelector(sel.toString()).toString()).toBe(expected);
  });

  it('parses operators into requirements', () => {
    const reqs = parseLabelSelector('c notin (z),a=b,!d,e,f>5,b in (y,x)').requirements();
    expect(reqs.map((r) => [r.key, r.operator, r.values])).toEqual([
      ['a', '=', ['b']],
      ['b', 'in', ['x', 'y']],
      ['c', 'notin', ['z']],
      ['d', '!', []],
      ['e', 'exists', []],
      ['f', 'gt', ['5']],
    ]);
  });
});

describe('parseLabelSelector: errors are 400 BadRequest', () => {
  it.each([
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x in b', "unable to parse requirement: found 'b', expected: '('"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    [')', "found ')', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x=a,,y', "found ',', expected: identifier after ','"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['a b=c', "unable to parse requirement: found 'b', expected: =, !=, ==, in, notin, >, <"],
    ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
    [
      'x>a',
      "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      '-x=a',
      'unable to parse requirement: key: Invalid value: "-x": name part must consist of alphanumeric characters',
    ],
    [
      'a/b/c',
      'unable to parse requirement: key: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters',
    ],
    [
      'Example.com/a',
      'unable to parse requirement: key: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of',
    ],
    [
      'x=a/b',
      'unable to parse requirement: values[0]: Invalid value: "a/b": a valid label must be an empty string or consist of',
    ],
    [`x=${'v'.repeat(64)}`, 'must be no more than 63 characters'],
    [`${'k'.repeat(64)}=v`, 'name part must be no more than 63 characters'],
  ])('%j', (input, message) => {
    let caught: unknown;
    try {
      parseLabelSelector(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    const status = (caught as StatusError).status;
    expect(status.code).toBe(400);
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toContain(message);
  });
});
