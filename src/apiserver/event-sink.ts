/**
 * The in-process control plane's `EventSink`: core/v1 events written through the API's registry
 * (admission, validation and storage as any client's write), and the recorder the controllers
 * make with it. The recorder itself is client-go's `tools/record` (src/client/record).
 */
import { hostname } from 'node:os';
import type { Event } from 'kubernetes-types/core/v1.js';
import { EventBroadcaster, type EventRecorder } from '../client/record/event-recorder.js';
import type { EventSink } from '../client/record/sink.js';
import type { KubeObject } from '../registry/resource.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { Api } from './api.js';

export function apiEventSink(api: Api): EventSink {
  const events = () => api.registry('', 'v1', 'events');
  const namespaceOf = (e: Event) => e.metadata?.namespace || 'default';
  return {
    async create(event) {
      return (await events().create(namespaceOf(event), event as KubeObject)) as Event;
    },
    async update(event) {
      const name = event.metadata?.name ?? '';
      return (await events().update(namespaceOf(event), name, event as KubeObject)) as Event;
    },
    async patch(event, patch) {
      const name = event.metadata?.name ?? '';
      // a strategic merge patch of three scalar fields: they replace the stored ones
      const next = (cur: KubeObject) => ({ ...cur, ...patch }) as KubeObject;
      return (await events().guaranteedUpdate(namespaceOf(event), name, next)) as Event;
    },
  };
}

/**
 * A recorder for an in-process controller, with its own queue and correlator as each upstream
 * controller has: source `component`, reporting instance `<component>-<host>`.
 */
export function newControllerRecorder(
  api: Api,
  component: string,
  logger: Logger,
  clock?: Pick<Clock, 'now'>,
  host: string = hostname(),
): EventRecorder {
  const broadcaster = new EventBroadcaster({ sink: apiEventSink(api), logger, ...(clock ? { clock } : {}) });
  return broadcaster.newRecorder({ component, reportingInstance: `${component}-${host}` });
}
