import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { notFound } from '../../apimachinery/errors.js';
import { newLogger } from '../../util/log.js';
import { FakeClock } from '../nodestatus/fake-clock.js';
import { EventCorrelator } from './correlator.js';
import { EventRecorder, type EventsApi } from './recorder.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7' },
  spec: {
    initContainers: [{ name: 'setup', image: 'busybox' }],
    containers: [{ name: 'app', image: 'busybox' }],
    ephemeralContainers: [{ name: 'debugger', image: 'busybox' }],
  },
};

/** An events API keeping Events by namespace/name; `fail` makes the next calls throw. */
function fakeEvents() {
  const events = new Map<string, Event>();
  const calls: string[] = [];
  const state = { fail: null as Error | null, hold: null as Promise<void> | null };
  const api: EventsApi = {
    async create(event, { namespace }) {
      if (state.hold) await state.hold;
      if (state.fail) throw state.fail;
      events.set(`${namespace}/${event.metadata?.name}`, event);
      calls.push(`create ${event.reason}`);
      return event;
    },
    async patch(name, patch, { namespace }) {
      if (state.fail) throw state.fail;
      const cur = events.get(`${namespace}/${name}`);
      if (!cur) throw notFound({ group: '', resource: 'events' }, name);
      events.set(`${namespace}/${name}`, { ...cur, ...(patch as Partial<Event>) });
      calls.push(`patch ${cur.reason} ${(patch as Event).count}`);
      return cur;
    },
  };
  return { api, events, calls, state };
}

function setup(options: { burst?: number } = {}) {
  const fake = fakeEvents();
  const clock = new FakeClock(Date.parse('2024-05-01T10:00:00Z'));
  const recorder = new EventRecorder({
    events: fake.api,
    nodeName: 'node-a',
    logger: newLogger('silent'),
    clock,
    ...options,
  });
  return { ...fake, clock, recorder };
}

describe('the kubelet event recorder', () => {
  it('writes core/v1 Events from kubelet on this node, about the pod or one of its containers', async () => {
    const { recorder, events } = setup();
    recorder.container(pod, 'app', 'Normal', 'Started', 'Started container app');
    recorder.container(pod, 'setup', 'Normal', 'Created', 'Created container: setup');
    recorder.container(pod, 'debugger', 'Normal', 'Started', 'Started container debugger');
    recorder.pod(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "cfg"');
    await recorder.flush();
    const all = [...events.values()];
    expect(all.map((e) => e.involvedObject.fieldPath)).toEqual([
      'spec.containers{app}',
      'spec.initContainers{setup}',
      'spec.ephemeralContainers{debugger}',
      undefined,
    ]);
    expect(all[0]).toMatchObject({
      metadata: { namespace: 'ns', name: expect.stringMatching(/^web\.[0-9a-f]+$/) },
      involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace: 'ns', name: 'web', uid: 'u1' },
      type: 'Normal',
      reason: 'Started',
      message: 'Started container app',
      source: { component: 'kubelet', host: 'node-a' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-a',
      count: 1,
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:00Z',
    });
    expect(new Set(all.map((e) => e.metadata?.name)).size).toBe(4);
  });

  it('raises count and lastTimestamp of an identical event with a patch; a different one is new', async () => {
    const { recorder, events, calls, clock } = setup();
    const backOff = () =>
      recorder.container(pod, 'app', 'Warning', 'BackOff', 'Back-off restarting failed container app');
    backOff();
    await recorder.flush();
    await clock.advance(10_000);
    backOff();
    await clock.advance(20_000);
    backOff();
    recorder.container(pod, 'setup', 'Warning', 'BackOff', 'Back-off restarting failed container app');
    await recorder.flush();
    expect(calls).toEqual(['create BackOff', 'patch BackOff 2', 'patch BackOff 3', 'create BackOff']);
    const [first] = [...events.values()];
    expect(first).toMatchObject({
      count: 3,
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:30Z',
    });
  });

  it('creates the Event again when the one it would patch is gone', async () => {
    const { recorder, events, calls } = setup();
    recorder.container(pod, 'app', 'Normal', 'Pulled', 'x');
    await recorder.flush();
    events.clear();
    recorder.container(pod, 'app', 'Normal', 'Pulled', 'x');
    recorder.container(pod, 'app', 'Normal', 'Pulled', 'x');
    await recorder.flush();
    expect(calls).toEqual(['create Pulled', 'create Pulled', 'patch Pulled 2']);
  });

  it('drops events the API refuses, with a log, and goes on with the next', async () => {
    const { recorder, calls, state } = setup();
    state.fail = new Error('connection refused');
    recorder.pod(pod, 'Normal', 'SandboxChanged', 'a');
    await recorder.flush();
    state.fail = null;
    recorder.pod(pod, 'Normal', 'SandboxChanged', 'b');
    await recorder.flush();
    expect(calls).toEqual(['create SandboxChanged']);
  });

  it('never makes the caller wait: recording returns while the API is stuck; the queue is bounded', async () => {
    const fake = fakeEvents();
    let release = () => undefined as void;
    fake.state.hold = new Promise<void>((r) => (release = r));
    const recorder = new EventRecorder({
      events: fake.api,
      nodeName: 'n',
      logger: newLogger('silent'),
      queueSize: 3,
    });
    for (let i = 0; i < 10; i++) recorder.pod(pod, 'Normal', 'R', `m${i}`);
    expect(fake.calls).toEqual([]);
    release();
    fake.state.hold = null;
    await recorder.flush();
    // the first was being written; three waited; the rest were dropped
    expect(fake.calls).toHaveLength(4);
  });

  it('spam filter: 25 of the same at once, then one more every 5 minutes', async () => {
    const { recorder, calls, clock } = setup();
    for (let i = 0; i < 30; i++)
      recorder.container(pod, 'app', 'Warning', 'Unhealthy', 'Liveness probe failed');
    await recorder.flush();
    expect(calls).toHaveLength(25);
    await clock.advance(300_000);
    recorder.container(pod, 'app', 'Warning', 'Unhealthy', 'Liveness probe failed');
    recorder.container(pod, 'app', 'Warning', 'Unhealthy', 'Liveness probe failed');
    await recorder.flush();
    expect(calls).toHaveLength(26);
    expect(calls.at(-1)).toBe('patch Unhealthy 26');
  });
});

describe('the correlator', () => {
  const event = (message: string, fieldPath?: string): Event => ({
    metadata: {},
    involvedObject: {
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      uid: 'u',
      ...(fieldPath ? { fieldPath } : {}),
    },
    source: { component: 'kubelet', host: 'n' },
    type: 'Normal',
    reason: 'Pulled',
    message,
  });

  it('keys identical events on source, object, fieldPath, type, reason and message', () => {
    const c = new EventCorrelator();
    expect(c.correlate(event('a', 'spec.containers{x}'), 0)).toEqual({ action: 'create' });
    c.recordWritten(event('a', 'spec.containers{x}'), 'ns', 'p.1', 1);
    expect(c.correlate(event('a', 'spec.containers{x}'), 1)).toEqual({
      action: 'patch',
      namespace: 'ns',
      name: 'p.1',
      count: 2,
    });
    expect(c.correlate(event('a', 'spec.containers{y}'), 2)).toEqual({ action: 'create' });
    expect(c.correlate(event('b', 'spec.containers{x}'), 3)).toEqual({ action: 'create' });
  });

  it('refills one token per period, up to the burst', () => {
    const c = new EventCorrelator({ burst: 2, refillMs: 1000 });
    const e = event('a');
    expect(c.correlate(e, 0).action).toBe('create');
    expect(c.correlate(e, 0).action).toBe('create');
    expect(c.correlate(e, 999).action).toBe('drop');
    expect(c.correlate(e, 1000).action).toBe('create');
    expect(c.correlate(e, 1001).action).toBe('drop');
    expect(c.correlate(e, 10_000).action).toBe('create');
    expect(c.correlate(e, 10_000).action).toBe('create');
    expect(c.correlate(e, 10_000).action).toBe('drop');
  });
});
