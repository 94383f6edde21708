import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EventBroadcaster, referenceTo, truncateMessage } from './event-recorder.js';
import { memorySink } from './testing/memory-sink.js';

const logger = pino({ level: 'silent' });
const rs = referenceTo(
  { metadata: { name: 'web', namespace: 'default', uid: 'u1' } },
  'apps/v1',
  'ReplicaSet',
);

function setup(options: { queueSize?: number } = {}) {
  const sink = memorySink();
  const clock = { t: Date.parse('2024-05-01T10:00:00Z'), now: () => clock.t };
  const broadcaster = new EventBroadcaster({ sink, logger, clock, ...options });
  return { sink, clock, broadcaster };
}

describe('EventBroadcaster and EventRecorder', () => {
  it('writes an Event from the recorder source about the object, named <object>.<hex>', async () => {
    const { sink, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'kubelet', host: 'node-a' });
    const ref = { ...rs, kind: 'Pod', apiVersion: 'v1', fieldPath: 'spec.containers{app}' };
    r.event(ref, 'Normal', 'Started', 'Started container app', { action: 'Starting' });
    await broadcaster.flush();
    const [e] = [...sink.events.values()];
    expect(e).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: expect.stringMatching(/^web\.[0-9a-f]+$/),
        namespace: 'default',
        resourceVersion: '1',
      },
      involvedObject: ref,
      reason: 'Started',
      message: 'Started container app',
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:00Z',
      count: 1,
      type: 'Normal',
      action: 'Starting',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-a',
    });
  });

  it('leaves out source.host without a host; reportingInstance is the one given', async () => {
    const { sink, broadcaster } = setup();
    broadcaster
      .newRecorder({ component: 'replicaset-controller', reportingInstance: 'replicaset-controller-h' })
      .event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
    broadcaster.newRecorder({ component: 'x' }).event(rs, 'Normal', 'R', 'm');
    await broadcaster.flush();
    const [a, b] = [...sink.events.values()];
    expect(a?.source).toEqual({ component: 'replicaset-controller' });
    expect(a?.reportingInstance).toBe('replicaset-controller-h');
    expect(b).not.toHaveProperty('reportingInstance');
  });

  it('counts a repeat with a patch of count, lastTimestamp and message', async () => {
    const { sink, clock, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'c' });
    r.event(rs, 'Warning', 'FailedCreate', 'quota');
    await broadcaster.flush();
    clock.t += 30_000;
    r.event(rs, 'Warning', 'FailedCreate', 'quota');
    r.event(rs, 'Warning', 'FailedCreate', 'other');
    await broadcaster.flush();
    expect(sink.calls).toEqual(['create FailedCreate', 'patch FailedCreate 2', 'create FailedCreate']);
    expect([...sink.events.values()][0]).toMatchObject({
      count: 2,
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:30Z',
    });
  });

  it('creates the Event again, with its count, when the one it would patch is gone', async () => {
    const { sink, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'kubelet', host: 'n' });
    r.event(rs, 'Normal', 'Pulled', 'x');
    await broadcaster.flush();
    sink.events.clear();
    r.event(rs, 'Normal', 'Pulled', 'x');
    r.event(rs, 'Normal', 'Pulled', 'x');
    await broadcaster.flush();
    expect(sink.calls).toEqual(['create Pulled', 'create Pulled', 'patch Pulled 3']);
    expect([...sink.events.values()]).toHaveLength(1);
  });

  it('drops what the sink refuses, with a log, and goes on with the next', async () => {
    const { sink, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'c' });
    sink.fail = new Error('connection refused');
    r.event(rs, 'Normal', 'SandboxChanged', 'a');
    await broadcaster.flush();
    sink.fail = null;
    r.event(rs, 'Normal', 'SandboxChanged', 'b');
    await broadcaster.flush();
    expect(sink.calls).toEqual(['create SandboxChanged']);
  });

  it('never makes the caller wait: recording returns while the sink is stuck; the queue is bounded', async () => {
    const { sink, broadcaster } = setup({ queueSize: 3 });
    let release = () => undefined as void;
    sink.hold = new Promise<void>((r) => (release = r));
    const r = broadcaster.newRecorder({ component: 'c' });
    for (let i = 0; i < 10; i++) r.event(rs, 'Normal', 'R', `m${i}`);
    expect(sink.calls).toEqual([]);
    release();
    sink.hold = null;
    await broadcaster.flush();
    // the first was being written; three waited; the rest were dropped
    expect(sink.calls).toHaveLength(4);
  });

  it('skips spam: 25 of a kind about an object, then one more every 5 minutes', async () => {
    const { sink, clock, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'kubelet', host: 'n' });
    for (let i = 0; i < 30; i++) r.event(rs, 'Warning', 'Unhealthy', 'Liveness probe failed');
    await broadcaster.flush();
    expect(sink.calls).toHaveLength(25);
    clock.t += 300_000;
    r.event(rs, 'Warning', 'Unhealthy', 'Liveness probe failed');
    r.event(rs, 'Warning', 'Unhealthy', 'Liveness probe failed');
    await broadcaster.flush();
    // the skipped ones still count: the Event tells how often it happened
    expect(sink.calls.slice(25)).toEqual(['patch Unhealthy 31']);
  });

  it('combines the 10th distinct message of a reason into one "(combined from similar events)" Event', async () => {
    const { sink, broadcaster } = setup();
    const r = broadcaster.newRecorder({ component: 'replicaset-controller' });
    for (let i = 0; i < 12; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-${i}`);
    await broadcaster.flush();
    const messages = [...sink.events.values()].map((e) => [e.message, e.count]);
    expect(messages).toHaveLength(10);
    expect(messages.at(-1)).toEqual(['(combined from similar events): Created pod: web-11', 3]);
  });

  it('stop drops what is queued and ignores later events', async () => {
    const { sink, broadcaster } = setup();
    let release = () => undefined as void;
    sink.hold = new Promise<void>((r) => (release = r));
    const r = broadcaster.newRecorder({ component: 'c' });
    r.event(rs, 'Normal', 'A', 'being written');
    r.event(rs, 'Normal', 'B', 'queued');
    broadcaster.stop();
    r.event(rs, 'Normal', 'C', 'after stop');
    release();
    sink.hold = null;
    await broadcaster.flush();
    expect(sink.calls).toEqual(['create A']);
  });

  it('truncates long messages with " ..."', async () => {
    const t = truncateMessage('x'.repeat(2000));
    expect(t).toHaveLength(1024);
    expect(t.endsWith(' ...')).toBe(true);
    expect(truncateMessage('short')).toBe('short');
  });
});
