/**
 * The scheduler, an in-process API client like the controllers: it watches nodes, services and
 * pods (waiting for the first listing of each), then pops pods from the queue one at a time and
 * runs them through their profile's framework (see schedule-one.ts). Everything stops with the
 * signal given to `start`.
 */
import type { Namespace, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { hostname } from 'node:os';
import type { Api } from '../apiserver/api.js';
import { apiEventSink } from '../apiserver/event-sink.js';
import { EventBroadcaster } from '../client/record/event-recorder.js';
import type { Logger } from '../util/log.js';
import { defaultConfiguration } from './apis/config/defaults.js';
import type { KubeSchedulerConfiguration } from './apis/config/types.js';
import { type NodeInfoBuilder, SchedulerCache } from './cache/cache.js';
import * as handlers from './event-handlers.js';
import { SchedulerEventRecorder } from './events/recorder.js';
import type { PluginFactory } from './framework/interface.js';
import { newNodeInfo } from './framework/node-info.js';
import { Framework } from './framework/runtime.js';
import { Handle, type SnapshotHolder, emptySnapshot } from './handle.js';
import { runInformer } from './informer.js';
import { Nominator } from './queue/nominator.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { type ScheduleContext, scheduleOne } from './schedule-one.js';
import { type Clock, realClock } from './util/clock.js';

export interface SchedulerOptions {
  api: Api;
  logger: Logger;
  /** The plugins profiles may name (normally `inTreeRegistry`). */
  registry: Readonly<Record<string, PluginFactory>>;
  /** Default: upstream's defaults (one `default-scheduler` profile). */
  config?: KubeSchedulerConfiguration;
  clock?: Clock;
  random?: () => number;
  newNodeInfo?: NodeInfoBuilder;
  /** Default 15 min; 0: assumed pods never expire. */
  assumedPodTTLMs?: number;
  /** How often expired assumed pods are cleaned up. */
  cleanupPeriodMs?: number;
  host?: string;
}

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly frameworks = new Map<string, Framework>();
  readonly nominator = new Nominator();
  private readonly ctx: ScheduleContext;
  private readonly state: handlers.EventHandlerState;
  private readonly clock: Clock;

  constructor(private readonly o: SchedulerOptions) {
    const config = o.config ?? defaultConfiguration();
    this.clock = o.clock ?? realClock;
    const services = new Map<string, Map<string, Service>>();
    const pdbs = new Map<string, PodDisruptionBudget>();
    const namespaces = new Map<string, Namespace>();
    const snapshot: SnapshotHolder = { current: emptySnapshot };
    for (const profile of config.profiles) {
      const handle = new Handle({
        api: o.api,
        snapshot,
        services: (ns) => [...(services.get(ns)?.values() ?? [])],
        podDisruptionBudgets: () => [...pdbs.values()],
        namespaces: () => [...namespaces.values()],
        now: () => new Date(this.clock.now()),
      });
      const fwk = new Framework({
        profile,
        registry: o.registry,
        handle,
        nominator: this.nominator,
        newNodeInfo: o.newNodeInfo ?? newNodeInfo,
      });
      handle.framework = fwk;
      this.frameworks.set(profile.schedulerName, fwk);
    }
    const first = [...this.frameworks.values()][0];
    if (!first) throw new Error('a scheduler needs at least one profile');
    const queueSort = first.queueSort;
    this.cache = new SchedulerCache({
      newNodeInfo: o.newNodeInfo ?? newNodeInfo,
      clock: this.clock,
      ...(o.assumedPodTTLMs !== undefined ? { assumedPodTTLMs: o.assumedPodTTLMs } : {}),
    });
    this.queue = new SchedulingQueue({
      less: (a, b) => queueSort.less(a, b),
      clock: this.clock,
      podInitialBackoffMs: config.podInitialBackoffSeconds * 1000,
      podMaxBackoffMs: config.podMaxBackoffSeconds * 1000,
    });
    const pending = new Map<string, Pod>();
    this.state = {
      cache: this.cache,
      queue: this.queue,
      nominator: this.nominator,
      pending,
      services,
      pdbs,
      namespaces,
      schedulerNames: new Set(this.frameworks.keys()),
    };
    this.ctx = {
      api: o.api,
      logger: o.logger,
      clock: this.clock,
      random: o.random ?? Math.random,
      cache: this.cache,
      queue: this.queue,
      nominator: this.nominator,
      snapshot,
      recorder: new SchedulerEventRecorder(
        new EventBroadcaster({ sink: apiEventSink(o.api), logger: o.logger, clock: this.clock }),
        o.host ?? hostname(),
      ),
      frameworks: this.frameworks,
      pending,
      percentageOfNodesToScore: config.percentageOfNodesToScore,
      cursor: { next: 0 },
      binding: new Set(),
    };
  }

  /** Starts watching and scheduling; resolves once the caches are filled and the loop runs. */
  async start(signal: AbortSignal): Promise<void> {
    const { api, logger } = this.o;
    const s = this.state;
    await runInformer(api.registry('', 'v1', 'nodes'), signal, logger, this.clock, {
      onEvent: (e) => handlers.onNodeEvent(s, e),
      onSync: (present) => handlers.onNodeSync(s, present),
    });
    await runInformer(api.registry('', 'v1', 'services'), signal, logger, this.clock, {
      onEvent: (e) => handlers.onServiceEvent(s, e),
      onSync: (present) => handlers.onServiceSync(s, present),
    });
    await runInformer(api.registry('policy', 'v1', 'poddisruptionbudgets'), signal, logger, this.clock, {
      onEvent: (e) => handlers.onPDBEvent(s, e),
      onSync: (present) => handlers.onPDBSync(s, present),
    });
    await runInformer(api.registry('', 'v1', 'namespaces'), signal, logger, this.clock, {
      onEvent: (e) => handlers.onNamespaceEvent(s, e),
      onSync: (present) => handlers.onNamespaceSync(s, present),
    });
    await runInformer(api.registry('', 'v1', 'pods'), signal, logger, this.clock, {
      onEvent: (e) => handlers.onPodEvent(s, e),
      onSync: (present) => handlers.onPodSync(s, present),
    });
    if (signal.aborted) return;
    this.queue.run();
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    const cleanup = () => {
      if (signal.aborted) return;
      if (this.cache.cleanupExpiredAssumedPods().length) {
        this.queue.moveAllToActiveOrBackoffQueue(['AssignedPodDelete']);
      }
      this.clock.setTimer(cleanup, this.o.cleanupPeriodMs ?? 1000);
    };
    this.clock.setTimer(cleanup, this.o.cleanupPeriodMs ?? 1000);
    void this.loop(signal);
    logger.info({ profiles: [...this.frameworks.keys()] }, 'scheduler started');
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const info = await this.queue.pop();
      if (!info || signal.aborted) return;
      try {
        await scheduleOne(this.ctx, info);
      } catch (err) {
        this.o.logger.error({ err: String(err), pod: info.pod.metadata?.name }, 'scheduling cycle failed');
        this.queue.done(info.pod);
      }
    }
  }

  /** Waits for the binding cycles under way (tests). */
  async drainBindings(): Promise<void> {
    while (this.ctx.binding.size) await Promise.allSettled([...this.ctx.binding]);
  }
}
