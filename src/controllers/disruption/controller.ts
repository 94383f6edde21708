/**
 * Disruption controller (upstream's pkg/controller/disruption): keeps every
 * PodDisruptionBudget's status current.
 *
 *   PDB or matching pod changed, owner scaled, resync (30 s), disruptedPods entry expiring
 *     → queue the PDB → sync: select pods → expected count (owners' scale if needed)
 *     → computeStatus → write it through `status` at the resourceVersion read
 *       (a conflict means an eviction or another writer got there first: sync again)
 *   expected count unknown (no controller, scale missing) → failSafe: 0 allowed, SyncFailed.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { isConflict, isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import { semanticEqual } from '../../apis/meta/equality.js';
import { formatLabelSelector } from '../../apimachinery/labels/index.js';
import { newControllerRecorder } from '../../apiserver/event-sink.js';
import { type EventRecorder, referenceTo } from '../../client/record/event-recorder.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { runWatch } from '../watch-loop.js';
import { computeStatus, expectedPodCount, failSafeStatus, needsScale, pdbMatchesPod } from './budget.js';
import { ScaleFinder } from './scale.js';

export interface DisruptionControllerOptions {
  api: Api;
  logger: Logger;
  clock?: Clock;
  /** Events as `controllermanager`, upstream's source for this controller (default: through `api`). */
  recorder?: EventRecorder;
  /** How often every budget is synced again (upstream's informer resync): 30 s. */
  resyncMs?: number;
  /** Delay before retrying a failed sync: 1 s. */
  retryMs?: number;
}

const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

export class DisruptionController {
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly scales: ScaleFinder;
  /** The budgets last seen, to map pod events to their budgets. */
  private readonly budgets = new Map<string, PodDisruptionBudget>();
  private readonly queue = new Set<string>();
  private readonly rechecks = new Map<string, () => void>();
  private draining = false;
  private signal: AbortSignal = new AbortController().signal;

  constructor(private readonly o: DisruptionControllerOptions) {
    this.clock = o.clock ?? realClock;
    this.recorder = o.recorder ?? newControllerRecorder(o.api, 'controllermanager', o.logger, this.clock);
    this.scales = new ScaleFinder(o.api);
  }

  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    const api = this.o.api;
    await runWatch(api.registry('policy', 'v1', 'poddisruptionbudgets'), signal, this.o.logger, (e) => {
      const pdb = e.object as PodDisruptionBudget;
      const key = keyOf(pdb.metadata?.namespace ?? '', pdb.metadata?.name ?? '');
      if (e.type === 'DELETED') this.budgets.delete(key);
      else this.budgets.set(key, pdb);
      this.enqueue(key);
    });
    await runWatch(api.registry('', 'v1', 'pods'), signal, this.o.logger, (e) => {
      this.enqueueFor((pdb) => pdbMatchesPod(pdb, e.object as Pod));
    });
    for (const [group, plural] of [
      ['apps', 'replicasets'],
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['', 'replicationcontrollers'],
    ] as const) {
      const registry = api.lookup(group, 'v1', plural);
      if (!registry) continue;
      await runWatch(registry, signal, this.o.logger, (e) => {
        const ns = e.object.metadata?.namespace;
        this.enqueueFor((pdb) => pdb.metadata?.namespace === ns && needsScale(pdb.spec));
      });
    }
    const resync = () => {
      if (signal.aborted) return;
      for (const key of this.budgets.keys()) this.enqueue(key);
      cancelResync = this.clock.setTimer(resync, this.o.resyncMs ?? 30_000);
    };
    let cancelResync = this.clock.setTimer(resync, this.o.resyncMs ?? 30_000);
    signal.addEventListener('abort', () => {
      cancelResync();
      for (const cancel of this.rechecks.values()) cancel();
    });
  }

  private enqueueFor(match: (pdb: PodDisruptionBudget) => boolean): void {
    for (const [key, pdb] of this.budgets) if (match(pdb)) this.enqueue(key);
  }

  private enqueue(key: string): void {
    if (this.signal.aborted) return;
    this.queue.add(key);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (;;) {
        const key = this.queue.values().next().value;
        if (key === undefined || this.signal.aborted) return;
        this.queue.delete(key);
        const [ns = '', name = ''] = key.split('/');
        try {
          await this.sync(ns, name);
        } catch (err) {
          if (!isConflict(err))
            this.o.logger.warn({ pdb: key, err: String(err) }, 'syncing PodDisruptionBudget');
          this.schedule(key, this.clock.now() + (this.o.retryMs ?? 1000));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private schedule(key: string, at: number): void {
    this.rechecks.get(key)?.();
    const cancel = this.clock.setTimer(
      () => {
        this.rechecks.delete(key);
        this.enqueue(key);
      },
      Math.max(0, at - this.clock.now()),
    );
    this.rechecks.set(key, cancel);
  }

  /** One budget brought up to date (exported for tests and callers that need it now). */
  async sync(namespace: string, name: string): Promise<void> {
    const registry = this.o.api.registry('policy', 'v1', 'poddisruptionbudgets');
    let pdb: PodDisruptionBudget;
    try {
      pdb = (await registry.get(namespace, name)) as PodDisruptionBudget;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const now = this.clock.now();
    const all = await this.o.api.registry('', 'v1', 'pods').list(namespace);
    const pods = (all.items as Pod[]).filter((p) => pdbMatchesPod(pdb, p));
    const ref = referenceTo(pdb, 'policy/v1', 'PodDisruptionBudget');
    if (!pods.length) void this.recorder.event(ref, 'Normal', 'NoPods', 'No matching pods found');
    let status = pdb.status;
    try {
      let scale = 0;
      if (needsScale(pdb.spec)) {
        const found = await this.scales.expectedScale(namespace, pods);
        scale = found.expected;
        if (found.unmanaged.length) {
          void this.recorder.event(
            ref,
            'Warning',
            'UnmanagedPods',
            `Pods selected by this PodDisruptionBudget (selector: ${formatLabelSelector(pdb.spec?.selector)}) ` +
              'were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, ' +
              'which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" ' +
              'field of the PDB to an integer value.',
          );
          this.o.logger.warn(
            { pdb: keyOf(namespace, name), pods: found.unmanaged },
            'pods selected by this PodDisruptionBudget are unmanaged; set .spec.minAvailable to an integer to count them',
          );
        }
      }
      const expected = expectedPodCount(pdb.spec, pods.length, scale);
      const plan = computeStatus({ pdb, pods, expected, now });
      status = plan.status;
      if (plan.recheckAt !== undefined) this.schedule(keyOf(namespace, name), plan.recheckAt);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      void this.recorder.event(
        ref,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${message}`,
      );
      this.o.logger.warn({ pdb: keyOf(namespace, name), err: message }, 'failed to calculate expected pods');
      status = failSafeStatus(pdb, message, now);
    }
    if (semanticEqual(status, pdb.status)) return;
    await registry.guaranteedUpdate(
      namespace,
      name,
      (obj) => ({ ...obj, status }),
      { subresource: 'status' },
      pdb.metadata?.resourceVersion,
    );
  }
}
