import { describe, expect, it } from 'vitest';
import { withTestServer } from '../testing/test-server-client.js';
import { describeEventSink } from './testing/sink-cases.js';
import { clientEventSink, type EventsClient } from './sink.js';

const cluster = withTestServer();

describeEventSink('the HTTP client', () => clientEventSink(cluster.client.events));

describe('clientEventSink', () => {
  it('puts events without a namespace in default and sends repeats as strategic merge patches', async () => {
    const calls: unknown[] = [];
    const events: EventsClient = {
      create: async (e, o) => void calls.push(['create', e.metadata?.name, o]),
      patch: async (name, patch, o) => void calls.push(['patch', name, patch, o]),
    };
    const sink = clientEventSink(events);
    const event = { metadata: { name: 'n1.1' }, involvedObject: { kind: 'Node', name: 'n1' } };
    await sink.create(event);
    await sink.patch(event, { count: 2, lastTimestamp: 't', message: 'm' });
    expect(calls).toEqual([
      ['create', 'n1.1', { namespace: 'default' }],
      [
        'patch',
        'n1.1',
        { count: 2, lastTimestamp: 't', message: 'm' },
        { namespace: 'default', type: 'strategic' },
      ],
    ]);
    await expect(sink.update(event)).rejects.toThrow(/cannot update/);
  });
});
