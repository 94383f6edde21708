/**
 * kube-scheduler as Cairn runs it (upstream's cmd/kube-scheduler/app): load the configuration,
 * then schedule only while holding the Lease (default `kube-system/kube-scheduler`). Losing the
 * lease stops that scheduler; the process campaigns again and a new one starts from the API.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Api } from '../../apiserver/api.js';
import { LeaderElector } from '../../leaderelection/leader-elector.js';
import { LeaseLock } from '../../leaderelection/lease-lock.js';
import type { Logger } from '../../util/log.js';
import { loadConfiguration } from '../apis/config/load.js';
import { builtinNoopPlugins } from '../apis/config/default-plugins.js';
import type { PluginFactory } from '../framework/interface.js';
import { inTreeRegistry } from '../plugins/registry.js';
import { Scheduler } from '../scheduler.js';
import { type Clock, realClock } from '../util/clock.js';

export interface SchedulerAppOptions {
  api: Api;
  logger: Logger;
  /** A KubeSchedulerConfiguration file; default: upstream's defaults. */
  configFile?: string;
  registry?: Readonly<Record<string, PluginFactory>>;
  /** Leader election identity; default `<hostname>_<uuid>` as upstream. */
  identity?: string;
  clock?: Clock;
}

/**
 * Validates the configuration and starts campaigning (or scheduling, with leaderElect false);
 * runs until the signal aborts. Throws at once for an invalid configuration. Resolves with a
 * promise that settles once everything stopped (the lease released).
 */
export async function startSchedulerApp(
  o: SchedulerAppOptions,
  signal: AbortSignal,
): Promise<{ stopped: Promise<void> }> {
  const registry = o.registry ?? inTreeRegistry;
  const config = await loadConfiguration(
    o.configFile,
    new Set([...Object.keys(registry), ...builtinNoopPlugins]),
  );
  const newScheduler = () =>
    new Scheduler({ api: o.api, logger: o.logger, registry, config, clock: o.clock ?? realClock });
  // Profiles are built now so that a bad profile (args, missing binder) fails the start.
  const first = newScheduler();
  const le = config.leaderElection;
  if (!le.leaderElect) {
    await first.start(signal);
    return { stopped: Promise.resolve() };
  }
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  let next: Scheduler | undefined = first;
  const elector = new LeaderElector({
    lock: new LeaseLock(o.api, le.resourceNamespace, le.resourceName),
    identity,
    logger: o.logger,
    leaseDurationMs: le.leaseDurationSeconds * 1000,
    renewDeadlineMs: le.renewDeadlineSeconds * 1000,
    retryPeriodMs: le.retryPeriodSeconds * 1000,
    releaseOnCancel: true,
    ...(o.clock ? { clock: o.clock } : {}),
    callbacks: {
      onStartedLeading: async (leading) => {
        const scheduler = next ?? newScheduler();
        next = undefined;
        await scheduler.start(leading);
      },
      onStoppedLeading: () => o.logger.warn({ identity }, 'leaderelection lost'),
      onNewLeader: (leader) => {
        if (leader !== identity) o.logger.info({ leader }, 'new leader elected');
      },
    },
  });
  const stopped = (async () => {
    while (!signal.aborted) await elector.run(signal);
  })();
  return { stopped };
}
