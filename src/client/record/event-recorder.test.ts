import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { newTestApi, silentLogger } from '../../controllers/replicaset/testing/cluster.js';
import { FakeClock } from '../../scheduler/testing/fake-clock.js';
import { EventRecorder, apiEventSink, referenceTo, truncateMessage } from './event-recorder.js';

describe('EventRecorder', () => {
  it('writes an Event about the object, and counts a repeat instead of writing another', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const r = new EventRecorder({
      sink: apiEventSink(api),
      component: 'replicaset-controller',
      logger: silentLogger,
      clock,
      host: 'h',
    });
    const rs = { metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
    const ref = referenceTo(rs, 'apps/v1', 'ReplicaSet');
    await r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
    await clock.advance(3000);
    await r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
    await r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-b');
    const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    expect(items).toHaveLength(2);
    expect(items.find((e) => e.message === 'Created pod: web-a')).toMatchObject({
      count: 2,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:03Z',
      source: { component: 'replicaset-controller' },
      reportingComponent: 'replicaset-controller',
      reportingInstance: 'replicaset-controller-h',
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web',
        namespace: 'default',
        uid: 'u1',
      },
    });
  });

  it('puts events about cluster-scoped objects in default, and never throws', async () => {
    const api = await newTestApi();
    const r = new EventRecorder({
      sink: apiEventSink(api),
      component: 'node-controller',
      logger: silentLogger,
    });
    await r.event(referenceTo({ metadata: { name: 'n1' } }, 'v1', 'Node'), 'Normal', 'RegisteredNode', 'hi');
    const items = (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    expect(items[0]?.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'n1' });
    const failing = new EventRecorder({
      sink: {
        create: () => Promise.reject(new Error('down')),
        update: () => Promise.reject(new Error('down')),
      },
      component: 'x',
      logger: silentLogger,
    });
    await expect(failing.event({ kind: 'Pod', name: 'p' }, 'Warning', 'R', 'm')).resolves.toBeUndefined();
  });

  it('truncates long messages with " ..."', () => {
    const t = truncateMessage('x'.repeat(2000));
    expect(t).toHaveLength(1024);
    expect(t.endsWith(' ...')).toBe(true);
  });
});
