/**
 * Simulated nodes (kwok-like) in one process: N Node objects that behave, as far as the API can
 * tell, like nodes with a Cairn agent — registered, heartbeating, running their pods — without
 * containers. Started in a straight line:
 *
 *   server version (nodeInfo.kubeletVersion) → register the N nodes (bounded concurrency; an
 *   existing node of the same name and pod CIDR is adopted) → node informer (one watch, the
 *   `cairn.dev/sim-node=true` label) → heartbeats on one timer queue → pod informer (one watch of
 *   every bound pod, `spec.nodeName!=`, filtered by node name) → pods simulated (`pod-simulator.ts`)
 *
 * Heartbeats, as the agent: each node's Lease in kube-node-lease renewed every 10 s
 * (leaseDurationSeconds 40) by the agent's own lease controller; `nodes/status` written every
 * 5 min (upstream's nodeStatusReportFrequency), or at once when the node's Ready condition is seen
 * other than True (the node lifecycle controller marked it Unknown). Node i renews at offset
 * i/N of the interval, so renewals are spread evenly; at most `heartbeatConcurrency` are in flight,
 * separately from pod status writes so that a burst of pods cannot starve the leases.
 *
 * `stop()` ends heartbeats and pod handling; the node lifecycle controller then marks the nodes
 * Unknown after its grace period, as for an agent that died. `stop({ removeNodes: true })` also
 * deletes the Node objects (their Leases go with them, by owner reference).
 */
import { setMaxListeners } from 'node:events';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { isAlreadyExists, isNotFound } from '../apimachinery/errors.js';
import { Informer, type Client } from '../client/index.js';
import type { Clock as AgentClock } from '../kubelet/lifecycle.js';
import { NodeLeaseController } from '../kubelet/nodelease/controller.js';
import { type Clock, realClock, sleep } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { IPPool } from './ip-pool.js';
import { Limiter } from './limiter.js';
import {
  applyNodeStatus,
  DEFAULT_CAPACITY,
  newSimNode,
  type NodeStatusFacts,
  readyStatus,
  SIM_NODE_LABEL,
  simNodeSpec,
  type SimNodeCapacity,
  type SimNodeSpec,
} from './node-object.js';
import { PodSimulator } from './pod-simulator.js';
import { builtinProfiles, type PodProfile } from './pod-profile.js';
import { newStats, type SimStats } from './stats.js';
import { TimerQueue } from './timer-queue.js';

export interface SimNodesOptions {
  /** An API client (the agent's credentials: `cairn sim` uses the node join token). */
  client: Client;
  nodes: number;
  /** Spread the nodes over `zone-0` … `zone-<zones-1>` (topology.kubernetes.io/zone). */
  zones?: number;
  /** default `sim-` */
  namePrefix?: string;
  /** default: the built-in `default` profile */
  podProfile?: PodProfile;
  clock?: Clock;
  logger: Logger;
  /** Aborting it stops the simulation (as `stop()` without removing nodes). */
  signal?: AbortSignal;
  /** Pod CIDRs are /24s of this IPv4 range (default 10.64.0.0/10). */
  clusterCIDR?: string;
  capacity?: Partial<SimNodeCapacity>;
  /** default 40 */
  leaseDurationSeconds?: number;
  /** default: a quarter of the lease duration (10 s) */
  renewIntervalMs?: number;
  /** default 5 min */
  statusReportFrequencyMs?: number;
  /** Lease renewals and node status writes in flight (default: nodes / 50, at least 16). */
  heartbeatConcurrency?: number;
  /** Registrations, pod status writes and deletes in flight (default 32). */
  apiConcurrency?: number;
  /** `nodeInfo.kubeletVersion` (default: the server's gitVersion). */
  kubeletVersion?: string;
}

export interface SimNodes {
  nodeNames: string[];
  /** Live counters of the calls made. */
  stats: SimStats;
  /** Pods currently simulated. */
  podCount(): number;
  /** Simulated pods per phase. */
  podPhases(): Record<string, number>;
  /** Pod status writes, deletes and registrations running or queued. */
  pendingRequests(): number;
  /** Stops heartbeats and pod handling; with `removeNodes`, deletes the nodes too. */
  stop(options?: { removeNodes?: boolean }): Promise<void>;
}

interface NodeEntry {
  spec: SimNodeSpec;
  ips: IPPool;
  /** The Node as last written or seen. */
  node: Node;
  lease: NodeLeaseController;
  leaseBusy: boolean;
  statusBusy: boolean;
}

/** The control plane's Clock in the shape the agent's loops take. */
const agentClock = (clock: Clock): AgentClock => ({
  now: () => new Date(clock.now()),
  setTimeout: (fn, ms) => ({ cancel: clock.setTimer(fn, ms) }),
});

const withoutResourceVersion = (node: Node): Node => {
  const { resourceVersion: _rv, ...metadata } = node.metadata ?? {};
  return { ...node, metadata };
};

export async function startSimNodes(o: SimNodesOptions): Promise<SimNodes> {
  if (!Number.isInteger(o.nodes) || o.nodes < 0)
    throw new Error(`nodes must be a whole number, not ${o.nodes}`);
  const clock = o.clock ?? realClock;
  const log = o.logger;
  const abort = new AbortController();
  const signal = abort.signal;
  // every request and back-off in flight listens on it
  setMaxListeners(0, signal);
  const onOuterAbort = () => void stop();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const timers = new TimerQueue(clock);
  // one renewal per node every 10 s: 5,000 nodes need ~500/s, so the bound grows with the nodes
  const heartbeats = new Limiter(o.heartbeatConcurrency ?? Math.max(16, Math.ceil(o.nodes / 50)));
  const api = new Limiter(o.apiConcurrency ?? 32);
  const stats = newStats();
  const renewEvery = o.renewIntervalMs ?? ((o.leaseDurationSeconds ?? 40) * 1000) / 4;
  const reportEvery = o.statusReportFrequencyMs ?? 300_000;
  const namePrefix = o.namePrefix ?? 'sim-';
  const specs = Array.from({ length: o.nodes }, (_, i) =>
    simNodeSpec(i, {
      namePrefix,
      ...(o.zones ? { zones: o.zones } : {}),
      ...(o.clusterCIDR ? { clusterCIDR: o.clusterCIDR } : {}),
    }),
  );
  const entries = new Map<string, NodeEntry>();
  const stoppers: Promise<void>[] = [];
  let stopping: Promise<void> | undefined;
  const pods = new PodSimulator({
    pods: o.client.pods,
    node: (name) => entries.get(name),
    profile: o.podProfile ?? (builtinProfiles.default as PodProfile),
    clock,
    timers,
    limiter: api,
    logger: log,
    stats,
  });
  /** Start-up failed: undo what was started, then fail. */
  const fail = async (err: unknown): Promise<never> => {
    await stop();
    throw err;
  };
  const facts: NodeStatusFacts = {
    capacity: { ...DEFAULT_CAPACITY, ...o.capacity },
    kubeletVersion: o.kubeletVersion ?? (await o.client.rest.version().catch(fail)).gitVersion,
  };

  // ── registration ────────────────────────────────────────────────────────────────────────────
  async function register(spec: SimNodeSpec): Promise<Node> {
    let delay = 100;
    for (;;) {
      signal.throwIfAborted();
      try {
        return await api.run(() => createOrAdopt(spec));
      } catch (err) {
        if (signal.aborted || err instanceof PodCIDRMismatch) throw err;
        log.warn({ node: spec.name, err: (err as Error).message }, 'unable to register node; retrying');
        await sleep(clock, delay, signal);
        delay = Math.min(delay * 2, 7000);
      }
    }
  }

  async function createOrAdopt(spec: SimNodeSpec): Promise<Node> {
    const wanted = newSimNode(spec, facts, new Date(clock.now()));
    try {
      return await o.client.nodes.create(wanted);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const existing = await o.client.nodes.get(spec.name);
    const cidr = existing.spec?.podCIDR ?? '';
    if (cidr && cidr !== spec.podCIDR) throw new PodCIDRMismatch(spec.name, cidr, spec.podCIDR);
    const adopted = await o.client.nodes.update({
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: { ...existing.metadata?.labels, ...wanted.metadata?.labels },
      },
      spec: { ...existing.spec, podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR] },
    });
    const withStatus = applyNodeStatus(structuredClone(adopted), spec, facts, new Date(clock.now()));
    return await o.client.nodes.updateStatus(withoutResourceVersion(withStatus));
  }

  const aClock = agentClock(clock);
  const registered = await Promise.all(
    specs.map((spec) => register(spec).then((node) => ({ spec, node }))),
  ).catch(fail);
  for (const { spec, node } of registered) {
    const entry: NodeEntry = {
      spec,
      ips: new IPPool(spec.podCIDR),
      node,
      leaseBusy: false,
      statusBusy: false,
      lease: new NodeLeaseController({
        leases: o.client.leases,
        // the lease's owner reference needs the node's uid: answer from memory, not with a GET
        nodes: { get: () => Promise.resolve(entries.get(spec.name)?.node ?? node) },
        nodeName: spec.name,
        logger: log,
        clock: aClock,
        ...(o.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
      }),
    };
    entries.set(spec.name, entry);
    stats.nodesRegistered++;
  }
  log.info({ nodes: entries.size }, 'simulated nodes registered');

  // ── heartbeats ──────────────────────────────────────────────────────────────────────────────
  function renewLease(e: NodeEntry): void {
    if (e.leaseBusy) {
      stats.leaseSkipped++;
      return;
    }
    e.leaseBusy = true;
    void heartbeats
      .run(() => e.lease.sync(signal))
      .then(
        (_lease: Lease) => void stats.leaseRenewals++,
        (err: unknown) => {
          if (signal.aborted) return;
          stats.leaseFailures++;
          log.warn({ node: e.spec.name, err: (err as Error).message }, 'failed to renew node lease');
        },
      )
      .finally(() => (e.leaseBusy = false));
  }

  function reportStatus(e: NodeEntry): void {
    if (e.statusBusy || signal.aborted) return;
    e.statusBusy = true;
    const node = applyNodeStatus(structuredClone(e.node), e.spec, facts, new Date(clock.now()));
    void heartbeats
      .run(() => o.client.nodes.updateStatus(withoutResourceVersion(node)))
      .then(
        (written) => {
          e.node = written;
          stats.nodeStatusUpdates++;
        },
        (err: unknown) => {
          if (signal.aborted) return;
          stats.errors++;
          log.warn({ node: e.spec.name, err: (err as Error).message }, 'unable to update node status');
        },
      )
      .finally(() => (e.statusBusy = false));
  }

  /** Runs `fn` for the node at `at`, then every `every` ms after (skipping times already past). */
  function every(at: number, period: number, fn: () => void): void {
    timers.at(at, () => {
      fn();
      every(Math.max(at + period, clock.now()), period, fn);
    });
  }

  const t0 = clock.now();
  const n = Math.max(1, specs.length);
  let i = 0;
  for (const e of entries.values()) {
    every(t0 + Math.floor((i * renewEvery) / n), renewEvery, () => renewLease(e));
    every(t0 + reportEvery + Math.floor((i * reportEvery) / n), reportEvery, () => reportStatus(e));
    i++;
  }

  // ── informers ───────────────────────────────────────────────────────────────────────────────
  const informerSleep = (ms: number, s: AbortSignal) => sleep(clock, ms, s);
  const nodeInformer = new Informer<Node>({
    client: o.client.nodes,
    labelSelector: `${SIM_NODE_LABEL}=true`,
    logger: log,
    sleep: informerSleep,
    handlers: {
      onAdd: (node) => observeNode(node),
      onUpdate: (_old, node) => observeNode(node),
    },
  });
  function observeNode(node: Node): void {
    const e = entries.get(node.metadata?.name ?? '');
    if (!e || node.metadata?.uid !== e.node.metadata?.uid) return;
    e.node = node;
    // the agent would find this at its next status sync (10 s): put its own view back
    if (readyStatus(node.status) !== 'True') timers.after(0, () => reportStatus(e));
  }
  stoppers.push((await nodeInformer.start(signal)).stopped);

  const podInformer = new Informer<Pod>({
    client: o.client.pods,
    fieldSelector: 'spec.nodeName!=',
    logger: log,
    sleep: informerSleep,
    handlers: {
      onAdd: (pod) => pods.update(pod),
      onUpdate: (_old, pod) => pods.update(pod),
      onDelete: (pod) => pods.remove(pod),
    },
  });
  stoppers.push((await podInformer.start(signal)).stopped);
  log.info({ nodes: entries.size, pods: pods.size }, 'simulated nodes ready');

  function stop(options: { removeNodes?: boolean } = {}): Promise<void> {
    stopping ??= (async () => {
      o.signal?.removeEventListener('abort', onOuterAbort);
      abort.abort();
      timers.stop();
      pods.stop();
      await Promise.all(stoppers);
    })();
    return stopping.then(async () => {
      if (!options.removeNodes) return;
      await Promise.all(
        [...entries.keys()].map((name) =>
          api
            .run(() => o.client.nodes.delete(name))
            .catch((err: unknown) => {
              if (!isNotFound(err)) log.warn({ node: name, err: (err as Error).message }, 'node not deleted');
            }),
        ),
      );
    });
  }

  return {
    nodeNames: specs.map((s) => s.name),
    stats,
    podCount: () => pods.size,
    podPhases: () => pods.phases(),
    pendingRequests: () => api.pending,
    stop,
  };
}

export class PodCIDRMismatch extends Error {
  readonly code = 'PodCIDRMismatch';
  constructor(node: string, existing: string, wanted: string) {
    super(
      `node ${node} already exists with spec.podCIDR ${existing}, not ${wanted}: ` +
        'use another --node-prefix or delete the node',
    );
    this.name = 'PodCIDRMismatch';
  }
}
