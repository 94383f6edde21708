/**
 * The API pod source (upstream `pkg/kubelet/config/apiserver.go`): the pods bound to this node,
 * from a list+watch with `fieldSelector=spec.nodeName=<node>` in every namespace. Adds and
 * changes (a deletionTimestamp included) go to `update`, pods gone from the API to `remove`;
 * a change of the status alone (above all the agent's own writes coming back) is held back by
 * the pod config (config.ts) unless the lifecycle needs it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Informer, type ListerWatcher } from '../../client/informer.js';
import type { Logger } from '../../util/log.js';
import type { PodLifecycle } from '../lifecycle.js';
import { podConfig } from './config.js';

export interface ApiPodSourceOptions {
  pods: ListerWatcher<Pod>;
  nodeName: string;
  /** What the pods go to (the pod lifecycle, or anything with the same two methods). */
  updates: Pick<PodLifecycle, 'update' | 'remove'>;
  logger?: Logger;
  /** Relist backoff (default 800 ms doubling to 30 s). */
  backoff?: { initialMs: number; maxMs: number };
}

export interface ApiPodSource {
  informer: Informer<Pod>;
  /** Resolves after the last watch ended (the signal aborted). */
  stopped: Promise<void>;
}

/** Starts the source; resolves once the first list has been delivered. */
export async function startApiPodSource(o: ApiPodSourceOptions, signal: AbortSignal): Promise<ApiPodSource> {
  const updates = podConfig(o.updates);
  const informer = new Informer<Pod>({
    client: o.pods,
    fieldSelector: `spec.nodeName=${o.nodeName}`,
    handlers: {
      onAdd: (pod) => updates.update(pod),
      onUpdate: (_old, pod) => updates.update(pod),
      onDelete: (pod) => updates.remove(pod),
    },
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
  });
  const { stopped } = await informer.start(signal);
  return { informer, stopped };
}
