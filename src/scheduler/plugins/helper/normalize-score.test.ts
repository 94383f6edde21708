import { describe, expect, it } from 'vitest';
import { defaultNormalizeScore } from './normalize-score.js';

describe('defaultNormalizeScore', () => {
  const cases: { name: string; reverse: boolean; in: number[]; out: number[] }[] = [
    { name: 'scales to the max', reverse: false, in: [1, 2, 3], out: [33, 66, 100] },
    { name: 'reversed', reverse: true, in: [1, 2, 3], out: [67, 34, 0] },
    { name: 'all zero stays zero', reverse: false, in: [0, 0], out: [0, 0] },
    { name: 'all zero reversed is max', reverse: true, in: [0, 0], out: [100, 100] },
    { name: 'truncates like integer division', reverse: false, in: [2, 7], out: [28, 100] },
  ];
  it.each(cases)('$name', (tc) => {
    const scores = tc.in.map((score, i) => ({ name: `n${i}`, score }));
    defaultNormalizeScore(100, tc.reverse, scores);
    expect(scores.map((s) => s.score)).toEqual(tc.out);
  });
});
