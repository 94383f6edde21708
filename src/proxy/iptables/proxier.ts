/**
 * The iptables proxier (upstream pkg/proxy/iptables): informers over Services and
 * EndpointSlices; any change schedules a sync (debounced), and a periodic sync repairs what
 * someone else removed. A sync is plan → rules → restore input per table → `iptables-restore`.
 *
 *   informer event ─▶ debounce (minSyncMs) ─┐
 *   every syncPeriodMs ─────────────────────┴▶ computeServicePlan ─▶ desiredRules
 *        ─▶ iptables-save (nat, filter) ─▶ renderSync ─▶ iptables-restore --noflush
 *
 * `stop({ cleanup: true })` removes our chains and jumps; a plain stop leaves the rules in place
 * (traffic keeps flowing to running pods while the agent restarts, as with kube-proxy).
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { coalescingSync } from '../../util/coalescing-sync.js';
import { Informer, type KubeObject, type ListerWatcher, type ResourceRef } from '../../client/index.js';
import type { Logger } from '../../util/log.js';
import { ChainNames, DEFAULT_PREFIX } from './chains.js';
import { computeServicePlan } from './plan.js';
import { parseSave, renderCleanup, renderSync } from './restore.js';
import { desiredRules, type Table } from './rules.js';
import { execIPTables, type IPTablesRunner } from './runner.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export const proxyResources = {
  services: { group: '', version: 'v1', plural: 'services', namespaced: true },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
} as const satisfies Record<string, ResourceRef>;

export interface ResourceSource {
  resource<T extends KubeObject>(ref: ResourceRef): ListerWatcher<T>;
}

export interface ProxierOptions {
  client: ResourceSource;
  /** default 10.96.0.0/12 */
  serviceCIDR?: string;
  /** This node's pod CIDR (traffic from elsewhere is masqueraded). */
  podCIDR?: string;
  /** The pods' bridge; jumps from PREROUTING/FORWARD only for traffic entering on it. */
  bridge?: string;
  /** Chain prefix (default CAIRN). */
  prefix?: string;
  /** default: iptables-save/iptables-restore on the host */
  iptables?: IPTablesRunner;
  /** Debounce of informer events (default 200 ms). */
  minSyncMs?: number;
  /** Full resync period (default 30 s). */
  syncPeriodMs?: number;
  logger: Logger;
  signal: AbortSignal;
}

export interface Proxier {
  /** Sync now (also what the timers call). */
  sync(): Promise<void>;
  stop(options?: { cleanup?: boolean }): Promise<void>;
}

export async function startProxier(o: ProxierOptions): Promise<Proxier> {
  const names = new ChainNames(o.prefix ?? DEFAULT_PREFIX);
  const iptables = o.iptables ?? execIPTables();
  const abort = new AbortController();
  const signal = AbortSignal.any([o.signal, abort.signal]);
  const log = o.logger;

  // one sync at a time, debounced; a request during one runs it once more after it
  const runner = coalescingSync({
    what: 'service proxy',
    run: () => syncOnce(),
    logger: log,
    debounceMs: o.minSyncMs ?? 200,
    signal,
  });
  const schedule = runner.schedule;
  const handlers = { onAdd: schedule, onUpdate: schedule, onDelete: schedule };
  const services = new Informer<Service>({
    client: o.client.resource<Service>(proxyResources.services),
    handlers,
    logger: log,
  });
  const slices = new Informer<EndpointSlice>({
    client: o.client.resource<EndpointSlice>(proxyResources.endpointSlices),
    handlers,
    logger: log,
  });

  const syncOnce = async () => {
    const plan = computeServicePlan(services.store.values(), slices.store.values());
    const desired = desiredRules(plan, {
      names,
      serviceCIDR: o.serviceCIDR ?? DEFAULT_SERVICE_CIDR,
      ...(o.podCIDR ? { podCIDR: o.podCIDR } : {}),
      ...(o.bridge ? { bridge: o.bridge } : {}),
    });
    for (const table of ['filter', 'nat'] as const satisfies Table[]) {
      const saved = parseSave(await iptables.save(table));
      await iptables.restore(renderSync(table, desired[table], saved, names));
    }
    log.debug({ servicePorts: plan.length }, 'service proxy rules synced');
  };
  const loops = await Promise.all([services.start(signal), slices.start(signal)]);
  await runner.sync();
  const period = setInterval(() => void runner.sync(), o.syncPeriodMs ?? 30_000);
  period.unref();
  log.info({ prefix: names.prefix }, 'service proxy (iptables) is running');

  return {
    sync: runner.sync,
    async stop(options = {}) {
      abort.abort();
      clearInterval(period);
      await Promise.all(loops.map((l) => l.stopped));
      await runner.idle();
      if (options.cleanup) await cleanupRules(iptables, names);
    },
  };
}

/** Removes every chain of ours and every jump into them, in both tables; idempotent. */
export async function cleanupRules(iptables: IPTablesRunner, names: ChainNames): Promise<void> {
  // nat first: its jumps lead into chains; filter's REJECTs go last so nothing leaks meanwhile
  for (const table of ['nat', 'filter'] as const satisfies Table[]) {
    const input = renderCleanup(table, parseSave(await iptables.save(table)), names);
    if (input) await iptables.restore(input);
  }
}
