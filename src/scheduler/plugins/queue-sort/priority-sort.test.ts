import { describe, expect, it } from 'vitest';
import type { QueuedPodInfo } from '../../framework/extensions.js';
import { makePod } from '../testing/fixtures.js';
import { PrioritySort, less } from './priority-sort.js';

const info = (priority: number | undefined, timestamp: number): QueuedPodInfo => ({
  pod: makePod('p', priority === undefined ? {} : { priority }),
  timestamp,
  attempts: 0,
  initialAttemptTimestamp: timestamp,
  unschedulablePlugins: new Set(),
});

describe('PrioritySort', () => {
  const cases = [
    { name: 'higher priority first', a: info(100, 2), b: info(10, 1), less: true },
    { name: 'lower priority after', a: info(10, 1), b: info(100, 2), less: false },
    { name: 'equal priority: earlier first', a: info(5, 1), b: info(5, 2), less: true },
    { name: 'equal priority and time: not less', a: info(5, 1), b: info(5, 1), less: false },
    { name: 'unset priority is 0', a: info(undefined, 1), b: info(-1, 0), less: true },
  ];
  it.each(cases)('$name', ({ a, b, less: want }) => {
    expect(less(a, b)).toBe(want);
    expect(new PrioritySort().less(a, b)).toBe(want);
  });
});
