/**
 * What a failed attempt writes on the pod (upstream's updatePod in schedule_one.go), through
 * pods/status: `PodScheduled=False` with the reason and message, and `status.nominatedNodeName`
 * when PostFilter nominated a node (or cleared it). Nothing is written when nothing changes.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../apimachinery/errors.js';
import type { Api } from '../apiserver/api.js';
import { updatePodCondition } from '../registry/core/pod/conditions.js';
import type { KubeObject, Mutable } from '../registry/resource.js';

export type FailureReason = 'Unschedulable' | 'SchedulerError';

export async function updatePodScheduledFalse(
  api: Api,
  pod: Pod,
  reason: FailureReason,
  message: string,
  nominatedNodeName: string | undefined,
  now: Date,
): Promise<void> {
  const meta = pod.metadata ?? {};
  try {
    await api.registry('', 'v1', 'pods').guaranteedUpdate(
      meta.namespace ?? '',
      meta.name ?? '',
      (obj) => {
        const current = obj as Mutable<Pod>;
        // Bound (or replaced) meanwhile: the failure is stale.
        if (current.spec?.nodeName || (meta.uid && current.metadata?.uid !== meta.uid)) return obj;
        const status = (current.status ??= {});
        updatePodCondition(status, { type: 'PodScheduled', status: 'False', reason, message }, now);
        if (nominatedNodeName !== undefined) {
          if (nominatedNodeName) status.nominatedNodeName = nominatedNodeName;
          else delete status.nominatedNodeName;
        }
        return current as KubeObject;
      },
      { subresource: 'status' },
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
