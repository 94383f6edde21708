import { describe, expect, it } from 'vitest';
import { isQuantity, parseQuantity, QuantityParseError } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    // input, canonical text, milli value, value (rounded up)
    ['100m', '100m', 100n, 1n],
    ['1Gi', '1Gi', 1073741824000n, 1073741824n],
    ['2e3', '2e3', 2000000n, 2000n],
    ['1.5', '1500m', 1500n, 2n],
    ['500Ki', '500Ki', 512000000n, 512000n],
    ['1E', '1E', 10n ** 21n, 10n ** 18n],
    ['1024Mi', '1Gi', 1073741824000n, 1073741824n],
    ['1000m', '1', 1000n, 1n],
    ['0.5Gi', '512Mi', 536870912000n, 536870912n],
    ['1.5Gi', '1536Mi', 1610612736000n, 1610612736n],
    ['1536', '1536', 1536000n, 1536n],
    ['12000', '12k', 12000000n, 12000n],
    ['128974848', '128974848', 128974848000n, 128974848n],
    ['129e6', '129e6', 129000000000n, 129000000n],
    ['123Mi', '123Mi', 128974848000n, 128974848n],
    ['+1', '+1', 1000n, 1n],
    ['0', '0', 0n, 0n],
    ['0.1', '100m', 100n, 1n],
    ['.5', '500m', 500n, 1n],
    ['1.', '1.', 1000n, 1n], // upstream echoes text it considers canonical
    ['1u', '1u', 1n, 1n],
    ['1n', '1n', 1n, 1n],
    ['1.1n', '2n', 1n, 1n],
    ['1e-12', '1e-9', 1n, 1n],
    ['1.5e3', '1500', 1500000n, 1500n],
    ['1E3', '1E3', 1000000n, 1000n],
    ['-1.5', '-1500m', -1500n, -2n],
    ['0.5Ki', '512', 512000n, 512n],
    ['1.5Ki', '1536', 1536000n, 1536n],
    ['10Ei', '9223372036854775807', 9223372036854775807000n, 9223372036854775807n],
  ])('%s', (input, canonical, milli, value) => {
    const q = parseQuantity(input);
    expect(q.toString()).toBe(canonical);
    expect(q.milliValue()).toBe(milli);
    expect(q.value()).toBe(value);
  });

  it.each(['', '1K', '1e', 'abc', '1.2.3', '1Mi3', '1 Gi', '1Gi ', 'Ki1', '1mi', '--1'])(
    'rejects %j',
    (input) => {
      expect(() => parseQuantity(input)).toThrow(QuantityParseError);
      expect(isQuantity(input)).toBe(false);
    },
  );

  it('refuses absurd magnitudes instead of building huge numbers', () => {
    expect(() => parseQuantity('1e999999999')).toThrow(QuantityParseError);
    expect(() => parseQuantity('9'.repeat(5000))).toThrow(QuantityParseError);
    expect(parseQuantity('1e30').toString()).toBe('1e30');
  });

  it('accepts JSON numbers', () => {
    expect(parseQuantity(1).toString()).toBe('1');
    expect(parseQuantity(0.5).toString()).toBe('500m');
    expect(isQuantity(2)).toBe(true);
    expect(isQuantity({})).toBe(false);
  });

  it('compares values across formats', () => {
    expect(parseQuantity('1Gi').cmp(parseQuantity('1073741824'))).toBe(0);
    expect(parseQuantity('100m').cmp(parseQuantity('1'))).toBe(-1);
    expect(parseQuantity('2').cmp(parseQuantity('1500m'))).toBe(1);
    expect(parseQuantity('1k').cmp(parseQuantity('1Ki'))).toBe(-1);
  });

  it('rounds up to milli precision like resource-list defaulting', () => {
    expect(parseQuantity('100u').roundUp(-3).toString()).toBe('1m');
    expect(parseQuantity('1500u').roundUp(-3).toString()).toBe('2m');
    expect(parseQuantity('100m').roundUp(-3).toString()).toBe('100m');
    expect(parseQuantity('-1500u').roundUp(-3).toString()).toBe('-2m');
  });

  it('adds', () => {
    expect(parseQuantity('100m').add(parseQuantity('1')).toString()).toBe('1100m');
    expect(parseQuantity('0').add(parseQuantity('1Mi')).toString()).toBe('1Mi');
  });
});
