/**
 * StatefulSet controller (upstream's pkg/controller/statefulset), level-triggered: each sync
 * claims the set's pods (only pods whose name makes them members may be adopted), carries out
 * `planStatefulSet` and writes status with the current and update revisions. Pod names are
 * fixed, so a repeated create just meets AlreadyExists: no expectations are needed.
 *
 * ControllerRevision objects are not kept: revisions are named from the template hash, and pods
 * recreated below a partition get the update template (upstream restores the current one).
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
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
import type { Logger } from '../../util/log.js';
import { controllerRefOf, isPodReady, keyOf, splitKey } from '../replicaset/controller-utils.js';
import { claimObjects } from '../replicaset/ref-manager.js';
import { WorkQueue, startWorkers } from '../replicaset/worker.js';
import { runWatch } from '../watch-loop.js';
import { newStatefulSetPod, parentAndOrdinal, revisionName } from './identity.js';
import { type StatefulSetAction, planStatefulSet } from './plan.js';

export interface StatefulSetControllerOptions {
  api: Api;
  logger: Logger;
  now?: () => Date;
  workers?: number;
}

const selectorOf = (sts: StatefulSet): Selector => {
  try {
    return selectorFromLabelSelector(sts.spec?.selector);
  } catch {
    return nothingSelector();
  }
};

export class StatefulSetController {
  private readonly now: () => Date;
  private readonly queue: WorkQueue;
  private readonly sets = new Map<string, StatefulSet>();

  constructor(private readonly o: StatefulSetControllerOptions) {
    this.now = o.now ?? (() => new Date());
    this.queue = new WorkQueue({ now: () => this.now().getTime() });
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
    const owner = { obj: sts, apiVersion: 'apps/v1', kind: 'StatefulSet', selector: selectorOf(sts) };
    const pods = await claimObjects(this.pods, candidates, owner);
    const updateRevision = revisionName(sts);
    const currentRevision = sts.status?.currentRevision || updateRevision;
    const plan = planStatefulSet(sts, pods, currentRevision, updateRevision, this.now());
    for (const action of plan.actions) await this.carryOut(sts, action, updateRevision);
    if (plan.recheckAfterMs !== undefined) this.queue.addAfter(key, plan.recheckAfterMs);
    await this.writeStatus(sts, plan.status);
  }

  private async carryOut(sts: StatefulSet, action: StatefulSetAction, revision: string): Promise<void> {
    const ns = sts.metadata?.namespace ?? '';
    switch (action.type) {
      case 'create':
        try {
          await this.pods.create(ns, newStatefulSetPod(sts, action.ordinal, revision));
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        return;
      case 'delete':
        try {
          await this.pods.delete(ns, action.pod.metadata?.name ?? '', {
            preconditions: { uid: action.pod.metadata?.uid ?? '' },
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
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
