/**
 * Where recorded Events are written (upstream `record.EventSink`): create a new Event, update one
 * whole, or patch the fields the correlator moves on a repeat (`count`, `lastTimestamp`,
 * `message`). Each answers the Event as the server stored it; failures reject with the API's
 * StatusError (`isNotFound` tells a patched Event that is gone).
 *
 * `clientEventSink` writes through the HTTP client (the node agent, out-of-process components);
 * the in-process control plane's sink sits beside the API (`apiserver/event-sink.ts`).
 */
import type { Event } from 'kubernetes-types/core/v1.js';

/** The fields a repeat changes, sent as a strategic merge patch. */
export type EventPatch = Required<Pick<Event, 'count' | 'lastTimestamp' | 'message'>>;

export interface EventSink {
  create(event: Event): Promise<Event>;
  update(event: Event): Promise<Event>;
  patch(event: Event, patch: EventPatch): Promise<Event>;
}

/**
 * What `clientEventSink` needs of the HTTP client's events resource (`client.events`, or anything
 * shaped like it); without `update`, the sink's update refuses.
 */
export interface EventsClient {
  create(event: Event, options: { namespace?: string }): Promise<unknown>;
  patch(
    name: string,
    patch: unknown,
    options: { namespace?: string; type?: 'strategic' | 'merge' },
  ): Promise<unknown>;
  update?(event: Event, options: { namespace?: string }): Promise<unknown>;
}

const namespaceOf = (event: Event): string => event.metadata?.namespace || 'default';

/** A sink over the HTTP client: POST, PUT and strategic-merge PATCH of core/v1 events. */
export function clientEventSink(events: EventsClient): EventSink {
  return {
    create: async (event) => (await events.create(event, { namespace: namespaceOf(event) })) as Event,
    update: async (event) => {
      if (!events.update) throw new Error('this events client cannot update events');
      return (await events.update(event, { namespace: namespaceOf(event) })) as Event;
    },
    patch: async (event, patch) => {
      const options = { namespace: namespaceOf(event), type: 'strategic' as const };
      return (await events.patch(event.metadata?.name ?? '', patch, options)) as Event;
    },
  };
}
