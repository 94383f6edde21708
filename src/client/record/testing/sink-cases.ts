/**
 * The cases every `EventSink` passes (the HTTP client's and the in-process API's): create,
 * patch of a repeat, update, and NotFound for a patch of an Event that is gone.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../../apimachinery/errors.js';
import type { EventSink } from '../sink.js';

const event = (name: string): Event => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'default' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1' },
  reason: 'Pulled',
  message: 'image present',
  source: { component: 'kubelet', host: 'node-a' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:00:00Z',
  count: 1,
  type: 'Normal',
  reportingComponent: 'kubelet',
  reportingInstance: 'node-a',
});

export function describeEventSink(name: string, sink: () => EventSink): void {
  describe(`${name} event sink`, () => {
    it('creates an Event and answers it as stored', async () => {
      const created = await sink().create(event('web.1'));
      expect(created.metadata).toMatchObject({ name: 'web.1', namespace: 'default' });
      expect(created.metadata?.uid).toBeTruthy();
      expect(created.metadata?.resourceVersion).toBeTruthy();
      expect(created).toMatchObject({ count: 1, reason: 'Pulled', source: { host: 'node-a' } });
    });

    it('patches count, lastTimestamp and message, keeping the rest', async () => {
      await sink().create(event('web.2'));
      const patched = await sink().patch(event('web.2'), {
        count: 2,
        lastTimestamp: '2024-05-01T10:00:30Z',
        message: 'image present again',
      });
      expect(patched).toMatchObject({
        count: 2,
        firstTimestamp: '2024-05-01T10:00:00Z',
        lastTimestamp: '2024-05-01T10:00:30Z',
        message: 'image present again',
        reason: 'Pulled',
        involvedObject: { name: 'web', uid: 'u1' },
      });
    });

    it('updates a whole Event', async () => {
      const created = await sink().create(event('web.3'));
      const updated = await sink().update({ ...created, count: 7, message: 'replaced' });
      expect(updated).toMatchObject({ count: 7, message: 'replaced' });
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
        Number(created.metadata?.resourceVersion),
      );
    });

    it('answers NotFound for a patch of an Event that is gone', async () => {
      const err = await sink()
        .patch(event('web.absent'), { count: 2, lastTimestamp: '2024-05-01T10:00:30Z', message: 'm' })
        .catch((e: unknown) => e);
      expect(isNotFound(err)).toBe(true);
    });
  });
}
