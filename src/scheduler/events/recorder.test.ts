import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { testPod } from '../testing/fake-plugins.js';
import { newTestApi, silentLogger } from '../testing/objects.js';
import { EventRecorder, truncateMessage } from './recorder.js';

describe('EventRecorder', () => {
  it('updates count and lastTimestamp of a repeated event instead of creating another', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const r = new EventRecorder({ api, logger: silentLogger, clock, host: 'h' });
    const pod = testPod('p');
    await r.eventf('default-scheduler', pod, 'Warning', 'FailedScheduling', 'Scheduling', 'no fit');
    await clock.advance(5000);
    await r.eventf('default-scheduler', pod, 'Warning', 'FailedScheduling', 'Scheduling', 'no fit');
    await r.eventf('default-scheduler', pod, 'Warning', 'FailedScheduling', 'Scheduling', 'other');
    const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    expect(items).toHaveLength(2);
    const first = items.find((e) => e.message === 'no fit');
    expect(first).toMatchObject({
      count: 2,
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:05Z',
      type: 'Warning',
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-h',
      involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'p', namespace: 'default', uid: 'uid-p' },
    });
  });

  it('truncates messages to 1024 characters as upstream', () => {
    const m = truncateMessage('x'.repeat(2000));
    expect(m).toHaveLength(1024);
    expect(m.endsWith(' ...')).toBe(true);
  });
});
