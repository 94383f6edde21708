import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { notFound } from '../../apimachinery/errors.js';
import { newLogger } from '../../util/log.js';
import { FakeClock } from '../nodestatus/fake-clock.js';
import { EventRecorder, type EventsApi } from './recorder.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7' },
  spec: {
    initContainers: [{ name: 'setup', image: 'busybox' }],
    containers: [{ name: 'app', image: 'busybox' }],
    ephemeralContainers: [{ name: 'debugger', image: 'busybox' }],
  },
};

/** An events API (as `client.events` answers) keeping Events by namespace/name. */
function fakeEvents() {
  const events = new Map<string, Event>();
  const calls: string[] = [];
  const api: EventsApi = {
    async create(event, { namespace }) {
      events.set(`${namespace}/${event.metadata?.name}`, event);
      calls.push(`create ${namespace} ${event.reason}`);
      return event;
    },
    async patch(name, patch, { namespace, type }) {
      const cur = events.get(`${namespace}/${name}`);
      if (!cur) throw notFound({ group: '', resource: 'events' }, name);
      const next = { ...cur, ...(patch as Partial<Event>) };
      events.set(`${namespace}/${name}`, next);
      calls.push(`patch ${type} ${cur.reason} ${next.count}`);
      return next;
    },
  };
  return { api, events, calls };
}

function setup() {
  const fake = fakeEvents();
  const clock = new FakeClock(Date.parse('2024-05-01T10:00:00Z'));
  const recorder = new EventRecorder({
    events: fake.api,
    nodeName: 'node-a',
    logger: newLogger('silent'),
    clock,
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
    expect(all[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'ns', name: expect.stringMatching(/^web\.[0-9a-f]+$/) },
      involvedObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        namespace: 'ns',
        name: 'web',
        uid: 'u1',
        resourceVersion: '7',
        fieldPath: 'spec.containers{app}',
      },
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

  it('raises count and lastTimestamp of an identical event with a strategic patch; another container is new', async () => {
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
    expect(calls).toEqual([
      'create ns BackOff',
      'patch strategic BackOff 2',
      'patch strategic BackOff 3',
      'create ns BackOff',
    ]);
    expect([...events.values()][0]).toMatchObject({
      count: 3,
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:30Z',
    });
  });

  it('a pod without a namespace is in default; stop ignores later events', async () => {
    const { recorder, calls } = setup();
    recorder.pod({ metadata: { name: 'static' } }, 'Normal', 'SandboxChanged', 'x');
    await recorder.flush();
    recorder.stop();
    recorder.pod(pod, 'Normal', 'SandboxChanged', 'y');
    await recorder.flush();
    expect(calls).toEqual(['create default SandboxChanged']);
  });
});
