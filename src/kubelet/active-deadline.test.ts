import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './nodestatus/fake-clock.js';
import { activeDeadlineRemainingMs, pastActiveDeadline } from './active-deadline.js';

const pod = (activeDeadlineSeconds?: number): Pod => ({
  metadata: { name: 'p' },
  spec: { containers: [], ...(activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds } : {}) },
});

describe('activeDeadlineSeconds', () => {
  it('counts from status.startTime on the clock; no deadline or no start time: never', async () => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    const start = '2025-01-01T00:00:00Z';
    expect(activeDeadlineRemainingMs(pod(30), start, clock.now())).toBe(30_000);
    expect(pastActiveDeadline(pod(30), start, clock.now())).toBe(false);
    await clock.advance(29_999);
    expect(pastActiveDeadline(pod(30), start, clock.now())).toBe(false);
    await clock.advance(1);
    expect(pastActiveDeadline(pod(30), start, clock.now())).toBe(true);
    expect(activeDeadlineRemainingMs(pod(30), start, clock.now())).toBe(0);
    expect(pastActiveDeadline(pod(0), start, clock.now())).toBe(true);
    expect(pastActiveDeadline(pod(), start, clock.now())).toBe(false);
    expect(activeDeadlineRemainingMs(pod(30), undefined, clock.now())).toBeNull();
    expect(activeDeadlineRemainingMs(pod(30), 'garbage', clock.now())).toBeNull();
  });
});
