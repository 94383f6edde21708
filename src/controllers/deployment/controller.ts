/**
 * Deployment controller (upstream's pkg/controller/deployment), level-triggered: each sync claims
 * the ReplicaSets the selector matches, then either only resizes them (paused, or `replicas`
 * changed mid-rollout) or rolls out — RollingUpdate within maxSurge / maxUnavailable, Recreate
 * after every old pod is gone — cleans up history beyond revisionHistoryLimit once complete, and
 * writes status with the Available and Progressing conditions.
 *
 *   watch Deployments ─┐
 *   watch ReplicaSets ─┼→ queue(ns/name) → sync → [new RS, old RSs] → scale steps → status
 *   watch Pods (gone) ─┘
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import {
  type Selector,
  nothingSelector,
  selectorFromLabelSelector,
} from '../../apimachinery/labels/index.js';
import type { Api } from '../../apiserver/api.js';
import type { ObjectEvent } from '../../apiserver/generic-registry/store.js';
import { deepCopy, semanticEqual } from '../../apis/meta/equality.js';
import { newControllerRecorder } from '../../apiserver/event-sink.js';
import { type EventRecorder, referenceTo } from '../../client/record/event-recorder.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { controllerRefOf, keyOf, splitKey } from '../replicaset/controller-utils.js';
import { claimObjects } from '../replicaset/ref-manager.js';
import { WorkQueue, startWorkers } from '../replicaset/worker.js';
import { runWatch } from '../watch-loop.js';
import {
  Reasons,
  calculateStatus,
  deploymentComplete,
  getCondition,
  hasProgressDeadline,
  newCondition,
  progressRecheckAfter,
  rolloutStatus,
  setCondition,
} from './progress.js';
import { ReplicaSetWriter } from './replica-sets.js';
import {
  isScalingEvent,
  oldPodsRunning,
  planOldReplicaSets,
  planScale,
  reconcileNewReplicaSet,
  replicaSetsToCleanUp,
} from './rolling.js';
import { activeReplicaSets, replicasOf } from './util.js';

export interface DeploymentControllerOptions {
  api: Api;
  logger: Logger;
  clock?: Clock;
  /** Events as `deployment-controller` (default: written through `api`). */
  recorder?: EventRecorder;
  workers?: number;
}

const selectorOf = (d: Deployment): Selector => {
  try {
    return selectorFromLabelSelector(d.spec?.selector);
  } catch {
    return nothingSelector();
  }
};

export class DeploymentController {
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly queue: WorkQueue;
  private readonly writer: ReplicaSetWriter;
  private readonly deployments = new Map<string, Deployment>();
  /** ReplicaSet uid → key of the Deployment controlling it. */
  private readonly rsOwners = new Map<string, string>();

  constructor(private readonly o: DeploymentControllerOptions) {
    this.clock = o.clock ?? realClock;
    this.recorder = o.recorder ?? newControllerRecorder(o.api, 'deployment-controller', o.logger, this.clock);
    this.queue = new WorkQueue({ clock: this.clock });
    this.writer = new ReplicaSetWriter(o.api, () => this.now(), this.recorder);
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private registry(plural: 'deployments' | 'replicasets') {
    return this.o.api.registry('apps', 'v1', plural);
  }

  async start(signal: AbortSignal): Promise<void> {
    startWorkers(this.queue, this.o.workers ?? 5, (key) => this.sync(key), this.o.logger, signal);
    await runWatch(this.registry('deployments'), signal, this.o.logger, (e) => this.onDeployment(e));
    await runWatch(this.registry('replicasets'), signal, this.o.logger, (e) => this.onReplicaSet(e));
    await runWatch(this.o.api.registry('', 'v1', 'pods'), signal, this.o.logger, (e) => this.onPod(e));
  }

  private onDeployment(e: ObjectEvent): void {
    const key = keyOf(e.object);
    if (e.type === 'DELETED') this.deployments.delete(key);
    else this.deployments.set(key, e.object as Deployment);
    this.queue.add(key);
  }

  private onReplicaSet(e: ObjectEvent): void {
    const rs = e.object as ReplicaSet;
    const ns = rs.metadata?.namespace ?? '';
    const ref = controllerRefOf(rs.metadata);
    const uid = rs.metadata?.uid ?? '';
    if (ref) {
      if (ref.kind !== 'Deployment' || ref.apiVersion !== 'apps/v1') return;
      const key = `${ns}/${ref.name}`;
      if (e.type === 'DELETED') this.rsOwners.delete(uid);
      else this.rsOwners.set(uid, key);
      this.queue.add(key);
      return;
    }
    this.rsOwners.delete(uid);
    if (e.type === 'DELETED') return;
    for (const [key, d] of this.deployments) {
      if (d.metadata?.namespace === ns && selectorOf(d).matches(rs.metadata?.labels ?? {}))
        this.queue.add(key);
    }
  }

  /** Recreate waits for old pods to go: their deletion is news. */
  private onPod(e: ObjectEvent): void {
    if (e.type !== 'DELETED') return;
    const ref = controllerRefOf(e.object.metadata);
    const key = ref && this.rsOwners.get(ref.uid);
    if (key && this.deployments.get(key)?.spec?.strategy?.type === 'Recreate') this.queue.add(key);
  }

  /** syncDeployment. */
  async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    let d: Deployment;
    try {
      d = deepCopy((await this.registry('deployments').get(ns, name)) as Deployment);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const sel = d.spec?.selector;
    if (!Object.keys(sel?.matchLabels ?? {}).length && !sel?.matchExpressions?.length) {
      // Selecting everything is refused; only acknowledge the generation.
      void this.recorder.event(
        referenceTo(d, 'apps/v1', 'Deployment'),
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await this.writer.writeStatus(d, {
          ...(d.status ?? {}),
          observedGeneration: d.metadata?.generation ?? 0,
        });
      }
      return;
    }
    const all = (await this.registry('replicasets').list(ns)).items as ReplicaSet[];
    const owner = { obj: d, apiVersion: 'apps/v1', kind: 'Deployment', selector: selectorOf(d) };
    const rsList = await claimObjects(this.registry('replicasets'), all, owner);
    if (d.metadata?.deletionTimestamp) {
      const [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, false);
      await this.writeIfChanged(
        d,
        calculateStatus(d, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, this.now()),
      );
      return;
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScale(d, rsList);
    const [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, false);
    if (isScalingEvent(d, [...oldRSs, ...(newRS ? [newRS] : [])])) return this.syncScale(d, rsList);
    if (d.spec?.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  private async writeIfChanged(d: Deployment, status: NonNullable<Deployment['status']>): Promise<void> {
    if (!semanticEqual(d.status ?? {}, status)) await this.writer.writeStatus(d, status);
  }

  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === Reasons.TimedOut) return;
    const pausedCond = cond?.reason === Reasons.Paused;
    const status = deepCopy(d.status ?? {});
    if (d.spec?.paused && !pausedCond) {
      setCondition(
        status,
        newCondition('Progressing', 'Unknown', Reasons.Paused, 'Deployment is paused', this.now()),
      );
    } else if (!d.spec?.paused && pausedCond) {
      setCondition(
        status,
        newCondition('Progressing', 'Unknown', Reasons.Resumed, 'Deployment is resumed', this.now()),
      );
    } else return;
    await this.writer.writeStatus(d, status);
  }

  /** sync: resize only (paused or scaling event), then status. */
  private async syncScale(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, false);
    for (const [rs, n] of planScale(d, newRS, oldRSs)) await this.writer.scale(rs, n, d);
    if (d.spec?.paused) await this.cleanup(d, oldRSs);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    await this.writeIfChanged(d, calculateStatus(d, all, newRS, this.now()));
  }

  private async rolloutRolling(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, true);
    if (!newRS) return;
    const all = [...oldRSs, newRS];
    const next = reconcileNewReplicaSet(d, all, newRS);
    if (next !== undefined && (await this.writer.resize(newRS, next, d)))
      return this.syncRolloutStatus(d, all, newRS);
    let scaledDown = false;
    for (const [rs, n] of planOldReplicaSets(d, oldRSs, newRS)) {
      if (await this.writer.resize(rs, n, d)) scaledDown = true;
    }
    if (scaledDown) return this.syncRolloutStatus(d, all, newRS);
    if (d.status && deploymentComplete(d, d.status)) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, all, newRS);
  }

  private async rolloutRecreate(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    let [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, false);
    let scaledDown = false;
    for (const rs of activeReplicaSets(oldRSs)) if (await this.writer.resize(rs, 0, d)) scaledDown = true;
    const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];
    if (scaledDown) return this.syncRolloutStatus(d, all(), newRS);
    if (oldPodsRunning(newRS, oldRSs, await this.podPhasesByReplicaSet(d, rsList))) {
      return this.syncRolloutStatus(d, all(), newRS);
    }
    if (!newRS) [newRS, oldRSs] = await this.writer.newAndOld(d, rsList, true);
    if (newRS && (await this.writer.resize(newRS, replicasOf(d), d)))
      return this.syncRolloutStatus(d, all(), newRS);
    if (d.status && deploymentComplete(d, d.status)) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, all(), newRS);
  }

  private async podPhasesByReplicaSet(d: Deployment, rsList: ReplicaSet[]): Promise<Map<string, string[]>> {
    const uids = new Set(rsList.map((rs) => rs.metadata?.uid ?? ''));
    const pods = (await this.o.api.registry('', 'v1', 'pods').list(d.metadata?.namespace ?? ''))
      .items as Pod[];
    const out = new Map<string, string[]>();
    for (const p of pods) {
      const uid = controllerRefOf(p.metadata)?.uid;
      if (!uid || !uids.has(uid)) continue;
      out.set(uid, [...(out.get(uid) ?? []), p.status?.phase ?? '']);
    }
    return out;
  }

  private async cleanup(d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
      try {
        await this.registry('replicasets').delete(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', {
          preconditions: { uid: rs.metadata?.uid ?? '' },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async syncRolloutStatus(
    d: Deployment,
    all: ReplicaSet[],
    newRS: ReplicaSet | undefined,
  ): Promise<void> {
    const status = rolloutStatus(d, all, newRS, this.now());
    if (semanticEqual(d.status ?? {}, status)) {
      const after = progressRecheckAfter(d, status, this.now());
      if (after !== undefined) this.queue.addAfter(keyOf(d), after);
      return;
    }
    await this.writer.writeStatus(d, status);
  }
}
