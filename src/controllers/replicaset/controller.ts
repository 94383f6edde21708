/**
 * ReplicaSet controller (upstream's pkg/controller/replicaset), level-triggered: for each
 * ReplicaSet it claims the pods its selector matches (adopting orphans, releasing what no longer
 * matches), creates or deletes pods until the active ones number `spec.replicas`, then writes
 * status. Expectations keep it from acting twice on a view the watch has not caught up with.
 * The same code runs ReplicationControllers (`kind: replicationControllerKind`).
 *
 *   watch ReplicaSets ─┐
 *   watch Pods ────────┴→ queue(ns/name) → sync: claim → manage (create | delete) → status
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { ObjectEvent } from '../../apiserver/generic-registry/store.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import { newControllerRecorder } from '../../apiserver/event-sink.js';
import { type EventRecorder, type InvolvedObject, referenceTo } from '../../client/record/event-recorder.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { runWatch } from '../watch-loop.js';
import {
  controllerRefOf,
  isPodActive,
  isPodReady,
  keyOf,
  newControllerRef,
  podFromTemplate,
  podNamePrefix,
  splitKey,
} from './controller-utils.js';
import { ControllerExpectations } from './expectations.js';
import { type Replicated, type ReplicatedKind, replicaSetKind } from './kinds.js';
import { podsToDelete, replicaDiff, slowStartBatches } from './pod-ranking.js';
import { claimObjects } from './ref-manager.js';
import { type ManageError, calculateReplicaStatus } from './status.js';
import { WorkQueue, startWorkers } from './worker.js';

export interface ReplicaSetControllerOptions {
  api: Api;
  logger: Logger;
  /** ReplicaSets (default) or ReplicationControllers. */
  kind?: ReplicatedKind;
  clock?: Clock;
  /** Events as `replicaset-controller` / `replication-controller` (default: written through `api`). */
  recorder?: EventRecorder;
  workers?: number;
}

export class ReplicaSetController {
  private readonly kind: ReplicatedKind;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly queue: WorkQueue;
  private readonly expectations: ControllerExpectations;
  /** Owners by key, as the watch last showed them (for routing pod events). */
  private readonly owners = new Map<string, Replicated>();

  constructor(private readonly o: ReplicaSetControllerOptions) {
    this.kind = o.kind ?? replicaSetKind;
    this.clock = o.clock ?? realClock;
    this.recorder = o.recorder ?? newControllerRecorder(o.api, this.kind.component, o.logger, this.clock);
    this.queue = new WorkQueue({ clock: this.clock });
    this.expectations = new ControllerExpectations(() => this.clock.now());
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private ref(rs: Replicated): InvolvedObject {
    return referenceTo(rs, this.kind.apiVersion, this.kind.kind);
  }

  private get registry() {
    return this.o.api.registry(this.kind.group, this.kind.version, this.kind.plural);
  }

  private get pods() {
    return this.o.api.registry('', 'v1', 'pods');
  }

  /** Resolves once both watches are open; workers run until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    startWorkers(this.queue, this.o.workers ?? 5, (key) => this.sync(key), this.o.logger, signal);
    await runWatch(this.registry, signal, this.o.logger, (e) => this.onOwner(e));
    await runWatch(this.pods, signal, this.o.logger, (e) => this.onPod(e));
  }

  private onOwner(e: ObjectEvent): void {
    const key = keyOf(e.object);
    if (e.type === 'DELETED') {
      this.owners.delete(key);
      this.expectations.delete(key);
    } else this.owners.set(key, e.object as Replicated);
    this.queue.add(key);
  }

  private onPod(e: ObjectEvent): void {
    const pod = e.object as Pod;
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod.metadata);
    if (ref) {
      if (ref.kind !== this.kind.kind || ref.apiVersion !== this.kind.apiVersion) return;
      const key = `${ns}/${ref.name}`;
      const owner = this.owners.get(key);
      if (!owner || owner.metadata?.uid !== ref.uid) return;
      if (e.type === 'DELETED' || pod.metadata?.deletionTimestamp)
        this.expectations.deletionObserved(key, keyOf(pod));
      else if (e.type === 'ADDED') this.expectations.creationObserved(key);
      this.queue.add(key);
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (e.type === 'MODIFIED' && minReady > 0 && isPodReady(pod))
        this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (e.type === 'DELETED' || pod.metadata?.deletionTimestamp) return;
    // An orphan: every owner that could adopt it takes a look.
    for (const [key, owner] of this.owners) {
      if (owner.metadata?.namespace === ns && this.kind.selector(owner).matches(pod.metadata?.labels ?? {})) {
        this.queue.add(key);
      }
    }
  }

  /** syncReplicaSet: one pass over the owner named by `key`. */
  async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    let rs: Replicated;
    try {
      rs = (await this.registry.get(ns, name)) as Replicated;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const all = (await this.pods.list(ns)).items as Pod[];
    const selector = this.kind.selector(rs);
    const candidates = all.filter(isPodActive);
    const owner = { obj: rs, apiVersion: this.kind.apiVersion, kind: this.kind.kind, selector };
    const pods = await claimObjects(this.pods, candidates, owner);
    let manageError: ManageError | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      manageError = await this.manageReplicas(key, rs, pods, all);
    }
    const status = calculateReplicaStatus(rs, pods, manageError, this.now());
    await this.writeStatus(rs, status);
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const replicas = rs.spec?.replicas ?? 0;
    if (
      !manageError &&
      minReady > 0 &&
      status.readyReplicas === replicas &&
      status.availableReplicas !== replicas
    ) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageError) throw new Error(manageError.message);
  }

  private async manageReplicas(
    key: string,
    rs: Replicated,
    pods: Pod[],
    all: Pod[],
  ): Promise<ManageError | undefined> {
    const diff = replicaDiff(pods.length, rs.spec?.replicas ?? 0);
    if (diff > 0) return this.createPods(key, rs, diff);
    if (diff < 0) {
      const related = this.relatedPods(rs, all);
      const victims = podsToDelete(pods, related, -diff);
      this.expectations.expectDeletions(key, victims.map(keyOf));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          const name = pod.metadata?.name ?? '';
          try {
            await this.pods.delete(pod.metadata?.namespace ?? '', name);
          } catch (err) {
            this.expectations.deletionObserved(key, keyOf(pod));
            if (isNotFound(err)) return;
            void this.recorder.event(
              this.ref(rs),
              'Warning',
              'FailedDelete',
              `Error deleting: ${message(err)}`,
            );
            throw err;
          }
          void this.recorder.event(this.ref(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) return { reason: 'FailedDelete', message: String(failed.reason) };
    }
    return undefined;
  }

  private async createPods(key: string, rs: Replicated, count: number): Promise<ManageError | undefined> {
    this.expectations.expectCreations(key, count);
    const ns = rs.metadata?.namespace ?? '';
    const ref = newControllerRef(rs, this.kind.apiVersion, this.kind.kind);
    let remaining = count;
    for (const size of slowStartBatches(count)) {
      const results = await Promise.allSettled(
        Array.from({ length: size }, async () => {
          const pod = podFromTemplate(rs.spec?.template, ref);
          (pod.metadata ??= {}).generateName = podNamePrefix(rs.metadata?.name ?? '');
          try {
            const created = await this.pods.create(ns, pod);
            const name = created.metadata?.name ?? '';
            void this.recorder.event(this.ref(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${name}`);
          } catch (err) {
            void this.recorder.event(
              this.ref(rs),
              'Warning',
              'FailedCreate',
              `Error creating: ${message(err)}`,
            );
            throw err;
          }
        }),
      );
      remaining -= size;
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (let i = 0; i < failed.length; i++) this.expectations.creationObserved(key);
      if (failed.length) {
        // The batches not tried will not be seen either.
        for (let i = 0; i < remaining; i++) this.expectations.creationObserved(key);
        return { reason: 'FailedCreate', message: String(failed[0]?.reason) };
      }
    }
    return undefined;
  }

  /** Pods of this owner and of its siblings (ReplicaSets of the same Deployment), for ranking. */
  private relatedPods(rs: Replicated, all: Pod[]): Pod[] {
    const uids = new Set([rs.metadata?.uid ?? '']);
    const parent = controllerRefOf(rs.metadata)?.uid;
    if (parent) {
      for (const other of this.owners.values()) {
        if (controllerRefOf(other.metadata)?.uid === parent) uids.add(other.metadata?.uid ?? '');
      }
    }
    return all.filter((p) => isPodActive(p) && uids.has(controllerRefOf(p.metadata)?.uid ?? ''));
  }

  private async writeStatus(rs: Replicated, status: NonNullable<Replicated['status']>): Promise<void> {
    if (semanticEqual(rs.status ?? {}, status)) return;
    const meta = rs.metadata ?? {};
    try {
      await this.registry.guaranteedUpdate(
        meta.namespace ?? '',
        meta.name ?? '',
        (cur) => {
          if (cur.metadata?.uid !== meta.uid) return cur;
          (cur as Replicated).status = status;
          return cur;
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
