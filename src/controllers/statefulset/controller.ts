/**
 * StatefulSet controller (upstream's pkg/controller/statefulset), level-triggered:
 *
 *   watch StatefulSets ─┐
 *   watch Pods ─────────┴→ queue(ns/name) → sync:
 *     claim pods (only members by name may be adopted) and ControllerRevisions
 *     → current and update revisions (planUpdateRevision: create, reuse, or renumber on rollback)
 *     → planStatefulSet → create pods at their revision's template / delete
 *     → status (revisions, counts, collisionCount) → prune history beyond revisionHistoryLimit
 *
 * Pod names are fixed, so a repeated create just meets AlreadyExists: no expectations needed.
 */
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import {
  type Selector,
  nothingSelector,
  selectorFromLabelSelector,
} from '../../apimachinery/labels/index.js';
import type { Api } from '../../apiserver/api.js';
import type { ObjectEvent } from '../../apiserver/generic-registry/store.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import { newControllerRecorder } from '../../apiserver/event-sink.js';
import { type EventRecorder, referenceTo } from '../../client/record/event-recorder.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { ControllerHistory, sortControllerRevisions } from '../history/controller-history.js';
import { controllerRefOf, isPodReady, keyOf, splitKey } from '../replicaset/controller-utils.js';
import { claimObjects } from '../replicaset/ref-manager.js';
import { WorkQueue, startWorkers } from '../replicaset/worker.js';
import { runWatch } from '../watch-loop.js';
import { newStatefulSetPod, parentAndOrdinal } from './identity.js';
import { type StatefulSetAction, planStatefulSet } from './plan.js';
import {
  applyRevision,
  findCurrentRevision,
  planUpdateRevision,
  revisionsToTruncate,
  statefulSetParent,
} from './revisions.js';

export interface StatefulSetControllerOptions {
  api: Api;
  logger: Logger;
  clock?: Clock;
  /** Events as `statefulset-controller` (default: written through `api`). */
  recorder?: EventRecorder;
  workers?: number;
}

const selectorOf = (sts: StatefulSet): Selector => {
  try {
    return selectorFromLabelSelector(sts.spec?.selector);
  } catch {
    return nothingSelector();
  }
};

interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

export class StatefulSetController {
  private readonly clock: Clock;
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly history: ControllerHistory;
  private readonly sets = new Map<string, StatefulSet>();

  constructor(private readonly o: StatefulSetControllerOptions) {
    this.clock = o.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock });
    this.recorder =
      o.recorder ?? newControllerRecorder(o.api, 'statefulset-controller', o.logger, this.clock);
    this.history = new ControllerHistory(o.api);
  }

  private get registry() {
    return this.o.api.registry('apps', 'v1', 'statefulsets');
  }

  private get pods() {
    return this.o.api.registry('', 'v1', 'pods');
  }

  async start(signal: AbortSignal): Promise<void> {
    startWorkers(this.queue, this.o.workers ?? 5, (key) => this.sync(key), this.o.logger, signal);
    await runWatch(this.registry, signal, this.o.logger, (e) => this.onSet(e));
    await runWatch(this.pods, signal, this.o.logger, (e) => this.onPod(e));
  }

  private onSet(e: ObjectEvent): void {
    const key = keyOf(e.object);
    if (e.type === 'DELETED') this.sets.delete(key);
    else this.sets.set(key, e.object as StatefulSet);
    this.queue.add(key);
  }

  private onPod(e: ObjectEvent): void {
    const pod = e.object as Pod;
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod.metadata);
    if (ref) {
      if (ref.kind !== 'StatefulSet' || ref.apiVersion !== 'apps/v1') return;
      const key = `${ns}/${ref.name}`;
      this.queue.add(key);
      const minReady = this.sets.get(key)?.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && isPodReady(pod)) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (e.type === 'DELETED') return;
    for (const [key, sts] of this.sets) {
      if (sts.metadata?.namespace === ns && selectorOf(sts).matches(pod.metadata?.labels ?? {}))
        this.queue.add(key);
    }
  }

  async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    let sts: StatefulSet;
    try {
      sts = (await this.registry.get(ns, name)) as StatefulSet;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const all = (await this.pods.list(ns)).items as Pod[];
    // Only members by name may be adopted (isMemberOf).
    const candidates = all.filter((p) => controllerRefOf(p.metadata) || parentAndOrdinal(p)[0] === name);
    const selector = selectorOf(sts);
    const pods = await claimObjects(this.pods, candidates, { ...statefulSetParent(sts), selector });
    const sorted = sortControllerRevisions(await this.history.list(statefulSetParent(sts), selector));
    const revisions = await this.revisions(sts, sorted);
    const current = revisions.current.metadata?.name ?? '';
    const update = revisions.update.metadata?.name ?? '';
    const plan = planStatefulSet(sts, pods, current, update, new Date(this.clock.now()));
    try {
      for (const action of plan.actions) await this.carryOut(sts, action, revisions);
    } finally {
      if (plan.recheckAfterMs !== undefined) this.queue.addAfter(key, plan.recheckAfterMs);
      await this.writeStatus(sts, { ...plan.status, collisionCount: revisions.collisionCount });
      const live = [current, update];
      for (const rev of revisionsToTruncate(sts, pods, sorted, live)) await this.history.delete(rev);
    }
  }

  /** getStatefulSetRevisions: the current and update revisions, the update one written if new. */
  private async revisions(sts: StatefulSet, sorted: ControllerRevision[]): Promise<Revisions> {
    const step = planUpdateRevision(sts, sorted);
    let update: ControllerRevision;
    let collisionCount = sts.status?.collisionCount ?? 0;
    switch (step.kind) {
      case 'existing':
        update = step.revision;
        break;
      case 'renumber':
        update = await this.history.setRevision(step.revision, step.to);
        break;
      case 'create':
        ({ revision: update, collisionCount } = await this.history.create(
          statefulSetParent(sts),
          step.revision,
          collisionCount,
        ));
        break;
    }
    return { current: findCurrentRevision(sts, sorted) ?? update, update, collisionCount };
  }

  private async carryOut(sts: StatefulSet, action: StatefulSetAction, revisions: Revisions): Promise<void> {
    const ns = sts.metadata?.namespace ?? '';
    const ref = referenceTo(sts, 'apps/v1', 'StatefulSet');
    const setName = sts.metadata?.name ?? '';
    switch (action.type) {
      case 'create': {
        const rev = action.revision === 'current' ? revisions.current : revisions.update;
        const pod = newStatefulSetPod(applyRevision(sts, rev), action.ordinal, rev.metadata?.name ?? '');
        const podName = pod.metadata?.name ?? '';
        try {
          await this.pods.create(ns, pod);
        } catch (err) {
          if (isAlreadyExists(err)) return;
          void this.recorder.event(
            ref,
            'Warning',
            'FailedCreate',
            `create Pod ${podName} in StatefulSet ${setName} failed error: ${errorMessage(err)}`,
          );
          throw err;
        }
        void this.recorder.event(
          ref,
          'Normal',
          'SuccessfulCreate',
          `create Pod ${podName} in StatefulSet ${setName} successful`,
        );
        return;
      }
      case 'delete': {
        const podName = action.pod.metadata?.name ?? '';
        if (action.failed) {
          void this.recorder.event(
            ref,
            'Warning',
            'RecreatingFailedPod',
            `StatefulSet ${ns}/${setName} is recreating failed Pod ${podName}`,
          );
        }
        try {
          await this.pods.delete(ns, podName, { preconditions: { uid: action.pod.metadata?.uid ?? '' } });
        } catch (err) {
          if (isNotFound(err)) return;
          void this.recorder.event(
            ref,
            'Warning',
            'FailedDelete',
            `delete Pod ${podName} in StatefulSet ${setName} failed error: ${errorMessage(err)}`,
          );
          throw err;
        }
        void this.recorder.event(
          ref,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${podName} in StatefulSet ${setName} successful`,
        );
        return;
      }
    }
  }

  private async writeStatus(sts: StatefulSet, status: NonNullable<StatefulSet['status']>): Promise<void> {
    if (semanticEqual(sts.status ?? {}, status)) return;
    const meta = sts.metadata ?? {};
    try {
      await this.registry.guaranteedUpdate(
        meta.namespace ?? '',
        meta.name ?? '',
        (cur) => {
          if (cur.metadata?.uid !== meta.uid) return cur;
          (cur as { status?: StatefulSet['status'] }).status = status;
          return cur;
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
