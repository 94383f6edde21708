/**
 * Runs the pods bound to simulated nodes: for each one, plan (`pod-plan.ts`) → apply to the
 * simulated runtime state → status from the agent's own generator (`generateAPIPodStatus`) →
 * written through the agent's status manager (coalesced, unchanged statuses skipped) as a PUT of
 * `pods/status`; the next step waits on the shared timer queue, not on a timer of its own. A
 * finished, deleted pod is removed with DELETE, grace period 0 and its uid as precondition.
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isConflict, isInvalid, isNotFound } from '../apimachinery/errors.js';
import type { ResourceClient } from '../client/resource.js';
import { ReasonCache } from '../kubelet/kuberuntime/reason-cache.js';
import { generateAPIPodStatus } from '../kubelet/status/generate.js';
import { StatusManager } from '../kubelet/status/status-manager.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { IPPool } from './ip-pool.js';
import type { Limiter } from './limiter.js';
import type { SimNodeSpec } from './node-object.js';
import { planPod, probeTimes } from './pod-plan.js';
import { podBehaviour, type PodProfile } from './pod-profile.js';
import {
  adoptPodState,
  applyAction,
  containerSpec,
  latestInstance,
  newPodState,
  toRuntimePodStatus,
  type SimPodState,
} from './pod-state.js';
import type { SimStats } from './stats.js';
import type { TimerQueue } from './timer-queue.js';

/** One simulated node as the pod side needs it. */
export interface SimNodeRef {
  spec: SimNodeSpec;
  ips: IPPool;
}

export interface PodSimulatorOptions {
  pods: ResourceClient<Pod>;
  /** The simulated node of this name, undefined for any other node. */
  node(name: string): SimNodeRef | undefined;
  profile: PodProfile;
  clock: Clock;
  timers: TimerQueue;
  /** Bounds the status writes and deletes in flight. */
  limiter: Limiter;
  logger: Logger;
  stats: SimStats;
  /** Delay before a failed write or delete is tried again (default 1 s). */
  retryMs?: number;
}

interface Entry {
  pod: Pod;
  node: SimNodeRef;
  state: SimPodState;
  behaviour: PodProfile;
  wakeAt: number | null;
  cancelWake?: () => void;
  ipsReleased: boolean;
}

/** Upper bound on plan rounds in one sync (each round applies at least one action). */
const MAX_ROUNDS = 64;

export class PodSimulator {
  private readonly entries = new Map<string, Entry>();
  private readonly reasons = new ReasonCache();
  private readonly statuses: StatusManager;
  /** Pods with a status write in flight. */
  private readonly writing = new Set<string>();

  constructor(private readonly o: PodSimulatorOptions) {
    this.statuses = new StatusManager({
      logger: o.logger,
      updatePodStatus: (pod, status) => this.writeStatus(pod, status),
    });
  }

  /** Pods being simulated. */
  get size(): number {
    return this.entries.size;
  }

  /** How many simulated pods are in each phase (as last published, written or about to be). */
  phases(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const uid of this.entries.keys()) {
      const phase = this.statuses.get(uid)?.phase ?? 'Pending';
      counts[phase] = (counts[phase] ?? 0) + 1;
    }
    return counts;
  }

  /** The informer saw the pod added or changed. */
  update(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const node = this.o.node(pod.spec?.nodeName ?? '');
    if (!node) {
      if (this.entries.has(uid)) this.remove(pod);
      return;
    }
    const now = this.o.clock.now();
    let e = this.entries.get(uid);
    if (!e) {
      const { behaviour, errors } = podBehaviour(pod, this.o.profile);
      if (errors.length > 0)
        this.o.logger.warn({ pod: key(pod), errors }, 'ignoring invalid simulation annotations');
      const adopted = adoptPodState(pod, pod.status, now, behaviour.exit);
      if (adopted && !pod.spec?.hostNetwork)
        for (const ip of adopted.sandbox?.ips ?? []) node.ips.reserve(ip);
      e = {
        pod,
        node,
        state: adopted ?? newPodState(uid, now),
        behaviour,
        wakeAt: null,
        ipsReleased: adopted?.finished ?? false,
      };
      this.entries.set(uid, e);
    }
    e.pod = pod;
    // Someone else turned the pod not Ready (the node lifecycle controller does when the node
    // went Unknown): write the simulator's view again, as upstream's status manager does when it
    // reconciles with the API. An echo of an older write of ours is not that.
    const ours = this.statuses.get(uid);
    if (ours && !this.writing.has(uid) && readyOf(pod.status) === 'False' && readyOf(ours) === 'True') {
      this.statuses.forget(uid);
    }
    if (pod.metadata?.deletionTimestamp && e.state.deletionSeenAt === undefined) e.state.deletionSeenAt = now;
    this.sync(uid);
  }

  /** The pod is gone from the API. */
  remove(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const e = this.entries.get(uid);
    if (!e) return;
    e.cancelWake?.();
    this.releaseIPs(e);
    this.reasons.forget(uid);
    this.statuses.forget(uid);
    this.entries.delete(uid);
  }

  /** Cancels every pending step (the timer queue itself is stopped by its owner). */
  stop(): void {
    for (const e of this.entries.values()) e.cancelWake?.();
  }

  /** Plans and applies everything due, publishes the status, and waits for the next step. */
  sync(uid: string): void {
    const e = this.entries.get(uid);
    if (!e) return;
    const now = this.o.clock.now();
    let plan = planPod(e.pod, e.state, e.behaviour, now);
    let deleteNow = false;
    for (let round = 0; plan.actions.length > 0 && round < MAX_ROUNDS; round++) {
      for (const action of plan.actions) {
        applyAction(e.state, e.pod, action, now, () => this.allocateIPs(e));
        if (action.type === 'finish') this.releaseIPs(e);
        if (action.type === 'deletePod') deleteNow = true;
      }
      plan = planPod(e.pod, e.state, e.behaviour, now);
    }
    this.publish(e, now);
    if (deleteNow) {
      void this.deletePod(e);
      return;
    }
    if (plan.wakeAt === e.wakeAt && e.cancelWake) return;
    e.cancelWake?.();
    e.cancelWake = undefined;
    e.wakeAt = plan.wakeAt;
    if (plan.wakeAt !== null) {
      e.cancelWake = this.o.timers.at(plan.wakeAt, () => {
        e.cancelWake = undefined;
        e.wakeAt = null;
        this.sync(uid);
      });
    }
  }

  /** The status the agent would write now, handed to the status manager. */
  private publish(e: Entry, now: number): void {
    const { pod, state } = e;
    const uid = state.uid;
    this.reasons.forget(uid);
    for (const [name, b] of state.backOff) {
      if (latestInstance(state, name)?.id === b.afterId)
        this.reasons.set(uid, name, { reason: 'CrashLoopBackOff', message: b.message });
    }
    const times = (name: string, id: string) => {
      const c = state.containers.find((x) => x.id === id);
      return c ? probeTimes(containerSpec(pod, name), c) : undefined;
    };
    const status = generateAPIPodStatus({
      pod,
      runtime: toRuntimePodStatus(state, pod),
      reasons: this.reasons,
      runtimeName: 'sim',
      hostIPs: [e.node.spec.internalIP],
      now: new Date(now),
      podIsTerminal: Boolean(pod.metadata?.deletionTimestamp) && state.finished,
      previous: this.statuses.get(uid),
      startup: (_uid, name, id) => now >= (times(name, id)?.startedAt ?? Infinity),
      readiness: (_uid, name, id) => now >= (times(name, id)?.readyAt ?? Infinity),
    });
    this.statuses.setPodStatus(pod, status);
  }

  private allocateIPs(e: Entry): string[] {
    if (e.pod.spec?.hostNetwork) return [e.node.spec.internalIP];
    const ip = e.node.ips.allocate();
    if (ip) return [ip];
    this.o.logger.warn({ pod: key(e.pod), node: e.node.spec.name }, 'pod CIDR exhausted; pod has no IP');
    return [];
  }

  private releaseIPs(e: Entry): void {
    if (e.ipsReleased) return;
    e.ipsReleased = true;
    if (e.pod.spec?.hostNetwork) return;
    for (const ip of e.state.sandbox?.ips ?? []) e.node.ips.release(ip);
  }

  /** pods/status, unconditionally but for this uid only (as the agent writes it). */
  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    const { resourceVersion: _rv, ...metadata } = pod.metadata ?? {};
    const uid = metadata.uid ?? '';
    this.writing.add(uid);
    try {
      await this.o.limiter.run(() => this.o.pods.updateStatus({ ...pod, metadata, status }));
      this.o.stats.podStatusUpdates++;
    } catch (err) {
      if (isNotFound(err) || isInvalid(err)) return;
      this.o.stats.errors++;
      this.o.timers.after(this.o.retryMs ?? 1000, () => this.sync(uid));
      throw err;
    } finally {
      this.writing.delete(uid);
    }
  }

  /** The final delete once the terminal status is written: grace 0, only this uid. */
  private async deletePod(e: Entry): Promise<void> {
    const uid = e.state.uid;
    await this.statuses.flush(uid);
    try {
      await this.o.limiter.run(() =>
        this.o.pods.delete(e.pod.metadata?.name ?? '', {
          namespace: e.pod.metadata?.namespace ?? 'default',
          gracePeriodSeconds: 0,
          preconditions: { uid },
        }),
      );
      this.o.stats.podDeletes++;
    } catch (err) {
      // gone already, or replaced by another pod of that name
      if (isNotFound(err) || isConflict(err)) return;
      this.o.stats.errors++;
      this.o.logger.warn({ pod: key(e.pod), err: (err as Error).message }, 'pod delete failed; retrying');
      e.state.deleteSent = false;
      this.o.timers.after(this.o.retryMs ?? 1000, () => this.sync(uid));
    }
  }
}

const readyOf = (s: PodStatus | undefined) => s?.conditions?.find((c) => c.type === 'Ready')?.status;

const key = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
