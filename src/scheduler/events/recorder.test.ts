import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { apiEventSink } from '../../apiserver/event-sink.js';
import { EventBroadcaster } from '../../client/record/event-recorder.js';
import { FakeClock } from '../testing/fake-clock.js';
import { testPod } from '../testing/fake-plugins.js';
import { newTestApi, silentLogger } from '../testing/objects.js';
import { SchedulerEventRecorder } from './recorder.js';

describe('SchedulerEventRecorder', () => {
  it("records from each profile's scheduler name, with the action, and counts a repeat", async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const broadcaster = new EventBroadcaster({ sink: apiEventSink(api), logger: silentLogger, clock });
    const r = new SchedulerEventRecorder(broadcaster, 'h');
    const pod = testPod('p');
    r.eventf('default-scheduler', pod, 'Warning', 'FailedScheduling', 'Scheduling', 'no fit');
    await broadcaster.flush();
    await clock.advance(5000);
    r.eventf('default-scheduler', pod, 'Warning', 'FailedScheduling', 'Scheduling', 'no fit');
    r.eventf('my-scheduler', pod, 'Normal', 'Scheduled', 'Binding', 'Successfully assigned default/p to n1');
    await broadcaster.flush();
    const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    expect(items).toHaveLength(2);
    expect(items.find((e) => e.reason === 'FailedScheduling')).toMatchObject({
      count: 2,
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:05Z',
      type: 'Warning',
      message: 'no fit',
      action: 'Scheduling',
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-h',
      involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'p', namespace: 'default', uid: 'uid-p' },
    });
    expect(items.find((e) => e.reason === 'Scheduled')).toMatchObject({
      action: 'Binding',
      source: { component: 'my-scheduler' },
      reportingInstance: 'my-scheduler-h',
    });
  });
});
