import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { makePod } from '../testing/fixtures.js';
import { type Candidate, pickOneNodeForPreemption } from './candidates.js';

const v = (priority: number, startTime?: string): Pod =>
  makePod('v', { priority }, {}, startTime ? { startTime } : undefined);
const c = (nodeName: string, victims: Pod[], numPDBViolations = 0): Candidate => ({
  nodeName,
  victims,
  numPDBViolations,
});

describe('pickOneNodeForPreemption', () => {
  const cases: { name: string; candidates: Candidate[]; want: string | undefined }[] = [
    { name: 'none', candidates: [], want: undefined },
    { name: 'fewest PDB violations', candidates: [c('a', [v(1)], 1), c('b', [v(5)], 0)], want: 'b' },
    { name: 'lowest highest priority', candidates: [c('a', [v(5)]), c('b', [v(3), v(1)])], want: 'b' },
    { name: 'smallest priority sum', candidates: [c('a', [v(3), v(2)]), c('b', [v(3), v(1)])], want: 'b' },
    {
      name: 'fewest victims (negative priorities too)',
      candidates: [c('a', [v(-5), v(-5)]), c('b', [v(-5)])],
      want: 'b',
    },
    {
      name: 'latest start of the highest-priority victims',
      candidates: [c('a', [v(3, '2024-01-01T00:00:00Z')]), c('b', [v(3, '2024-02-01T00:00:00Z')])],
      want: 'b',
    },
    { name: 'ties: the first', candidates: [c('a', [v(1)]), c('b', [v(1)])], want: 'a' },
  ];
  it.each(cases)('$name', ({ candidates, want }) => {
    expect(pickOneNodeForPreemption(candidates, 0)?.nodeName).toBe(want);
  });
});
