import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime } from './well-known.js';

describe('formatTime', () => {
  it('writes RFC 3339 in UTC, whole seconds by default', () => {
    expect(formatTime(1704164645)).toBe('2024-01-02T03:04:05Z');
    expect(formatTime(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatTime(1704164645, 999_999_999)).toBe('2024-01-02T03:04:05Z');
  });

  it('writes MicroTime with six fractional digits', () => {
    expect(formatTime(1704164645, 123_456_789, 6)).toBe('2024-01-02T03:04:05.123456Z');
    expect(formatTime(1704164645, 0, 6)).toBe('2024-01-02T03:04:05.000000Z');
    expect(formatTime(1704164645, 1_500_000_000, 6)).toBe('2024-01-02T03:04:06.500000Z');
  });

  it('rejects years Go cannot write as RFC 3339', () => {
    expect(formatTime(-62135596800)).toBe('0001-01-01T00:00:00Z');
    expect(() => formatTime(-62135596800 - 86400 * 800)).toThrow(/outside the years/);
    expect(() => formatTime(253402300800)).toThrow(/outside the years/);
  });
});

describe('formatDuration', () => {
  // Go's time.Duration.String() test table.
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [245_000_000_000n, '4m5s'],
    [245_001_000_000n, '4m5.001s'],
    [18_367_001_000_000n, '5h6m7.001s'],
    [480_000_000_001n, '8m0.000000001s'],
    [3_600_000_000_000n, '1h0m0s'],
    [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
    [-1_500_000n, '-1.5ms'],
  ])('%s ns is %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });
});
