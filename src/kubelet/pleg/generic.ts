/**
 * The generic PLEG (upstream `pleg/generic.go`): containerd 1.6 has no GetContainerEvents, so
 * every period (1 s) it relists sandboxes and containers — two CRI calls — compares each one's
 * state with the previous relist and emits, per pod UID (label io.kubernetes.pod.uid):
 *
 *   container: absent/created → running      ContainerStarted
 *              running/created → exited        ContainerDied
 *              running → gone                  ContainerDied, ContainerRemoved
 *              exited → gone                   ContainerRemoved
 *   sandbox:   appeared, changed state, gone   SandboxChanged
 *
 * For pods with events it refreshes the status cache (getPodStatus) before emitting.
 */
import type { Logger } from '../../util/log.js';
import type { Clock } from '../lifecycle.js';
import type { Runtime } from '../container/runtime.js';
import { POD_UID_LABEL } from '../kuberuntime/labels.js';
import { getPodStatus, type RuntimePodStatus } from '../kuberuntime/runtime-pod-status.js';
import type { PodLifecycleEvent, PodLifecycleEventGenerator } from './pleg.js';

export interface GenericPLEGOptions {
  runtime: Runtime;
  clock: Clock;
  logger: Logger;
  /** Relist period (default 1000 ms). */
  relistPeriodMs?: number;
}

interface Record {
  podUID: string;
  state: string;
}

/** Events between two relists (pure: old and new `id → {podUID, state}` maps). */
export function diffRecords(
  kind: 'container' | 'sandbox',
  before: Map<string, Record>,
  after: Map<string, Record>,
): PodLifecycleEvent[] {
  const events: PodLifecycleEvent[] = [];
  const ids = new Set([...before.keys(), ...after.keys()]);
  for (const id of ids) {
    const old = before.get(id);
    const now = after.get(id);
    const podUID = (now ?? old)!.podUID;
    if (!podUID || old?.state === now?.state) continue;
    if (kind === 'sandbox') {
      events.push({ type: 'SandboxChanged', podUID, sandboxID: id });
      continue;
    }
    const ev = (type: 'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved') =>
      events.push({ type, podUID, containerID: id });
    switch (now?.state) {
      case 'CONTAINER_RUNNING':
        ev('ContainerStarted');
        break;
      case 'CONTAINER_EXITED':
        ev('ContainerDied');
        break;
      case undefined:
        if (old?.state === 'CONTAINER_RUNNING') ev('ContainerDied');
        ev('ContainerRemoved');
        break;
      default:
        break;
    }
  }
  return events;
}

export class GenericPLEG implements PodLifecycleEventGenerator {
  private readonly cache = new Map<string, RuntimePodStatus>();
  private containers = new Map<string, Record>();
  private sandboxes = new Map<string, Record>();
  private handlers: ((event: PodLifecycleEvent) => void)[] = [];
  private timer: { cancel(): void } | null = null;
  private relisting: Promise<void> | null = null;

  constructor(private readonly options: GenericPLEGOptions) {}

  watch(handler: (event: PodLifecycleEvent) => void): void {
    this.handlers.push(handler);
  }
  getStatus(uid: string): RuntimePodStatus | undefined {
    return this.cache.get(uid);
  }
  setStatus(status: RuntimePodStatus): void {
    this.cache.set(status.uid, status);
  }
  podUIDs(): string[] {
    const uids = new Set([...this.sandboxes.values(), ...this.containers.values()].map((r) => r.podUID));
    uids.delete('');
    return [...uids];
  }

  start(signal: AbortSignal): void {
    const period = this.options.relistPeriodMs ?? 1000;
    const tick = () => {
      if (signal.aborted) return;
      void this.relist().finally(() => {
        if (!signal.aborted) this.timer = this.options.clock.setTimeout(tick, period);
      });
    };
    signal.addEventListener('abort', () => this.timer?.cancel(), { once: true });
    tick();
  }

  /** One relist; concurrent calls share it. */
  relist(): Promise<void> {
    this.relisting ??= this.doRelist().finally(() => (this.relisting = null));
    return this.relisting;
  }

  private async doRelist(): Promise<void> {
    const { runtime, logger } = this.options;
    let sandboxes, containers;
    try {
      [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
    } catch (err) {
      logger.warn({ err }, 'PLEG relist failed');
      return;
    }
    const nextSandboxes = new Map(
      sandboxes.map((s) => [
        s.id,
        { podUID: s.labels[POD_UID_LABEL] ?? s.metadata?.uid ?? '', state: s.state },
      ]),
    );
    const nextContainers = new Map(
      containers.map((c) => [c.id, { podUID: c.labels[POD_UID_LABEL] ?? '', state: c.state }]),
    );
    const events = [
      ...diffRecords('sandbox', this.sandboxes, nextSandboxes),
      ...diffRecords('container', this.containers, nextContainers),
    ];
    this.sandboxes = nextSandboxes;
    this.containers = nextContainers;
    for (const uid of new Set(events.map((e) => e.podUID))) {
      try {
        this.cache.set(uid, await getPodStatus(runtime, uid));
      } catch (err) {
        logger.warn({ err, uid }, 'PLEG could not read pod status');
      }
    }
    for (const event of events) for (const h of this.handlers) h(event);
  }
}
