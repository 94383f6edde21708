/**
 * Taint-based eviction (upstream's NoExecuteTaintManager): a pod on a node with NoExecute taints
 * is deleted at once if it does not tolerate one of them, after the shortest tolerationSeconds of
 * the tolerations it uses otherwise, and never if they all tolerate forever. The timer of a pod
 * keeps its start while the taints change, and is cancelled when the taints go away.
 */
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { isNotFound, notFound } from '../../apimachinery/errors.js';
import type { RegistryStore } from '../../apiserver/generic-registry/store.js';
import type { Mutable } from '../../registry/resource.js';
import { type EventRecorder, referenceTo } from '../../client/record/event-recorder.js';
import type { Clock } from '../../util/clock.js';
import { updatePodCondition } from '../../registry/core/pod/conditions.js';
import { toleratesTaint } from '../../scheduler/plugins/helper/taints.js';
import type { Logger } from '../../util/log.js';
import { TAINT_NODE_UNREACHABLE } from './taints.js';

/** The reason `kubectl get pods` turns into STATUS `Unknown` for a pod being deleted. */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

export type EvictionPlan = { kind: 'none' } | { kind: 'now' } | { kind: 'after'; ms: number };

/**
 * What the NoExecute taints mean for one pod: `none` (no taint, or tolerated forever), `now`
 * (one is not tolerated, or a toleration's seconds are ≤ 0), or `after` the shortest toleration.
 */
export function planEviction(taints: readonly Taint[], tolerations: readonly Toleration[]): EvictionPlan {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (!noExecute.length) return { kind: 'none' };
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (!matching.length) return { kind: 'now' };
    used.push(...matching);
  }
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const s = Math.max(0, t.tolerationSeconds);
    if (min === undefined || s < min) min = s;
  }
  if (min === undefined) return { kind: 'none' };
  return min === 0 ? { kind: 'now' } : { kind: 'after', ms: min * 1000 };
}

interface Scheduled {
  pod: Pod;
  createdAt: number;
  fireAt: number;
  cancel: () => void;
}

export interface TaintEvictionOptions {
  pods: RegistryStore;
  clock: Clock;
  logger: Logger;
  /** TaintManagerEviction events on the pods. */
  recorder?: EventRecorder;
}

const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

export class TaintEvictionManager {
  private readonly scheduled = new Map<string, Scheduled>();

  constructor(private readonly o: TaintEvictionOptions) {}

  /** Brings the timers in line with the nodes' taints for every (bound, live) pod. */
  async reconcile(nodes: Map<string, Node>, pods: Pod[]): Promise<void> {
    const seen = new Set<string>();
    for (const pod of pods) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || pod.metadata?.deletionTimestamp) continue;
      const key = podKey(pod);
      seen.add(key);
      const node = nodes.get(nodeName);
      const plan = planEviction(node?.spec?.taints ?? [], pod.spec?.tolerations ?? []);
      const now = this.o.clock.now();
      const existing = this.scheduled.get(key);
      if (plan.kind === 'none') {
        this.cancel(key);
      } else if (plan.kind === 'now') {
        this.cancel(key);
        await this.evict(pod, node);
      } else {
        const start = existing?.createdAt ?? now;
        const fireAt = start + plan.ms;
        if (existing && existing.fireAt <= fireAt) continue;
        this.cancel(key);
        const cancel = this.o.clock.setTimer(
          () => {
            this.scheduled.delete(key);
            void this.evict(pod, nodes.get(nodeName));
          },
          Math.max(0, fireAt - now),
        );
        this.scheduled.set(key, { pod, createdAt: start, fireAt, cancel });
      }
    }
    for (const key of [...this.scheduled.keys()]) if (!seen.has(key)) this.cancel(key);
  }

  /** Pods waiting for their toleration to run out. */
  pending(): string[] {
    return [...this.scheduled.keys()];
  }

  stop(): void {
    for (const key of [...this.scheduled.keys()]) this.cancel(key, false);
  }

  /** cancelWorkWithEvent: a pending eviction is called off (with an event, but when stopping). */
  private cancel(key: string, withEvent = true): void {
    const scheduled = this.scheduled.get(key);
    if (!scheduled) return;
    scheduled.cancel();
    this.scheduled.delete(key);
    if (withEvent) this.podEvent(scheduled.pod, `Cancelling deletion of Pod ${key}`);
  }

  private podEvent(pod: Pod, message: string): void {
    void this.o.recorder?.event(referenceTo(pod, 'v1', 'Pod'), 'Normal', 'TaintManagerEviction', message);
  }

  /** Marks why (DisruptionTarget; NodeLost on an unreachable node), then deletes the pod. */
  private async evict(pod: Pod, node: Node | undefined): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const now = new Date(this.o.clock.now());
    const unreachable = (node?.spec?.taints ?? []).some(
      (t) => t.key === TAINT_NODE_UNREACHABLE && t.effect === 'NoExecute',
    );
    try {
      await this.o.pods.guaranteedUpdate(
        ns,
        name,
        (obj) => {
          const p = obj as Mutable<Pod>;
          // A pod of the same name created since (a StatefulSet's) is not this one.
          if (p.metadata?.uid !== pod.metadata?.uid) throw notFound({ group: '', resource: 'pods' }, name);
          const status = (p.status ??= {});
          updatePodCondition(
            status,
            {
              type: 'DisruptionTarget',
              status: 'True',
              reason: 'DeletionByTaintManager',
              message: 'Taint manager: deleting due to NoExecute taint',
            },
            now,
          );
          if (unreachable) {
            status.reason = NODE_UNREACHABLE_POD_REASON;
            status.message = `Node ${p.spec?.nodeName ?? ''} which was running pod ${name} is unresponsive`;
          }
          return p;
        },
        { subresource: 'status' },
      );
      this.o.logger.info(
        { pod: `${ns}/${name}`, node: pod.spec?.nodeName },
        'deleting pod for NoExecute taint',
      );
      this.podEvent(pod, `Marking for deletion Pod ${ns}/${name}`);
      await this.o.pods.delete(ns, name, { preconditions: { uid: pod.metadata?.uid ?? '' } });
    } catch (err) {
      if (!isNotFound(err)) this.o.logger.warn({ pod: `${ns}/${name}`, err: String(err) }, 'taint eviction');
    }
  }
}
