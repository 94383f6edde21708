import { describe, expect, it } from 'vitest';
import { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [-3 * s, '<invalid>'],
    [-1.5 * s, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 2 * s, '3m2s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 15 * m, '3h15m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [3 * 365 * d + 120 * d, '3y120d'],
    [8 * 365 * d, '8y'],
    [20 * 365 * d, '20y'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('shortHumanDuration', () => {
  it.each([
    [45 * s, '45s'],
    [12 * m, '12m'],
    [5 * h, '5h'],
    [3 * d, '3d'],
    [800 * d, '2y'],
  ])('%d ms → %s', (ms, text) => {
    expect(shortHumanDuration(ms)).toBe(text);
  });
});

describe('translateTimestampSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it('ages a timestamp', () => {
    expect(translateTimestampSince('2024-05-01T11:56:58Z', now)).toBe('3m2s');
    expect(translateTimestampSince('2024-04-28T12:00:00Z', now)).toBe('3d');
  });
  it('is <unknown> without one', () => {
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(translateTimestampSince('', now)).toBe('<unknown>');
  });
});
