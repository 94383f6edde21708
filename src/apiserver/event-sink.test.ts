import type { Event } from 'kubernetes-types/core/v1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceTo } from '../client/record/event-recorder.js';
import { describeEventSink } from '../client/record/testing/sink-cases.js';
import { newTestApi, silentLogger } from '../controllers/testing/cluster.js';
import { FakeClock } from '../scheduler/testing/fake-clock.js';
import type { Api } from './api.js';
import { apiEventSink, newControllerRecorder } from './event-sink.js';

let api: Api;
beforeAll(async () => {
  api = await newTestApi();
});

describeEventSink('the in-process API', () => apiEventSink(api));

describe('newControllerRecorder', () => {
  it('records as the controller, from <component>-<host>, and counts a repeat on the same Event', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const r = newControllerRecorder(api, 'replicaset-controller', silentLogger, clock, 'h');
    const ref = referenceTo(
      { metadata: { name: 'web', namespace: 'default', uid: 'u1' } },
      'apps/v1',
      'ReplicaSet',
    );
    r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
    await clock.advance(3000);
    r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
    r.event(ref, 'Normal', 'SuccessfulCreate', 'Created pod: web-b');
    const list = async () => (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    await expect
      .poll(async () => (await list()).map((e) => [e.message, e.count]))
      .toEqual(
        expect.arrayContaining([
          ['Created pod: web-a', 2],
          ['Created pod: web-b', 1],
        ]),
      );
    expect((await list()).find((e) => e.message === 'Created pod: web-a')).toMatchObject({
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

  it('puts events about cluster-scoped objects in default', async () => {
    const api = await newTestApi();
    const r = newControllerRecorder(api, 'node-controller', silentLogger);
    r.event(referenceTo({ metadata: { name: 'n1' } }, 'v1', 'Node'), 'Normal', 'RegisteredNode', 'hi');
    const list = async () => (await api.registry('', 'v1', 'events').list('default')).items as Event[];
    await expect
      .poll(async () => (await list())[0]?.involvedObject)
      .toEqual({
        apiVersion: 'v1',
        kind: 'Node',
        name: 'n1',
      });
  });
});
