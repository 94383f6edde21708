/**
 * Node lifecycle controller (upstream's pkg/controller/nodelifecycle), one pass every
 * nodeMonitorPeriod (5 s):
 *
 *   per node: observe signs of life (Ready heartbeat, kube-node-lease renewTime)
 *     → silent longer than the grace period (40 s; 60 s before a first status)
 *         → Ready/MemoryPressure/DiskPressure/PIDPressure Unknown (NodeStatusUnknown)
 *     → Ready left True → its pods' Ready condition False (MarkPodsNotReady)
 *     → taints follow the conditions (NoSchedule by condition, NoExecute not-ready/unreachable;
 *       removed when Ready is True again)
 *   then taint-based eviction over all bound pods (see taint-eviction.ts).
 *
 * Upstream's zone-aware eviction rate limiting is not done: tainting happens at once.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import { newControllerRecorder } from '../../apiserver/event-sink.js';
import { type EventRecorder, type InvolvedObject, referenceTo } from '../../client/record/event-recorder.js';
import { type Clock, realClock } from '../../util/clock.js';
import { updatePodCondition } from '../../registry/core/pod/conditions.js';
import type { KubeObject } from '../../registry/resource.js';
import type { Logger } from '../../util/log.js';
import { type NodeHealth, gracePeriodFor, observeHealth, unknownConditions } from './health.js';
import { TaintEvictionManager } from './taint-eviction.js';
import { nodeCondition, reconcileTaints } from './taints.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleControllerOptions {
  api: Api;
  logger: Logger;
  clock?: Clock;
  /** Events as `node-controller` (default: written through `api`). */
  recorder?: EventRecorder;
  /** Taint-based eviction's events, as `taint-eviction-controller` (default: through `api`). */
  evictionRecorder?: EventRecorder;
  /** --node-monitor-period: 5 s. */
  nodeMonitorPeriodMs?: number;
  /** --node-monitor-grace-period: 40 s. */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period: 60 s. */
  nodeStartupGracePeriodMs?: number;
}

/** RecordNodeEvent's reference: a Node has no namespace (its events land in `default`). */
const nodeRef = (node: Node): InvolvedObject => referenceTo(node, 'v1', 'Node');

export class NodeLifecycleController {
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly health = new Map<string, { health: NodeHealth; ref: InvolvedObject }>();
  /** Nodes whose pods still need marking not ready (a failed MarkPodsNotReady is retried). */
  private readonly markPods = new Set<string>();
  /** The Ready status each node had after the last pass, to see it leave True. */
  private readonly lastReady = new Map<string, string | undefined>();
  private readonly eviction: TaintEvictionManager;
  private running = false;

  constructor(private readonly o: NodeLifecycleControllerOptions) {
    this.clock = o.clock ?? realClock;
    this.recorder = o.recorder ?? newControllerRecorder(o.api, 'node-controller', o.logger, this.clock);
    this.eviction = new TaintEvictionManager({
      pods: o.api.registry('', 'v1', 'pods'),
      clock: this.clock,
      logger: o.logger,
      recorder:
        o.evictionRecorder ?? newControllerRecorder(o.api, 'taint-eviction-controller', o.logger, this.clock),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    let cancel = () => {};
    const tick = async () => {
      if (signal.aborted) return;
      await this.monitor();
      if (!signal.aborted)
        cancel = this.clock.setTimer(() => void tick(), this.o.nodeMonitorPeriodMs ?? 5000);
    };
    signal.addEventListener('abort', () => {
      cancel();
      this.eviction.stop();
    });
    await tick();
  }

  /** RecordNodeEvent: `Node <name> event: <what>`. */
  private nodeEvent(ref: InvolvedObject, reason: string, what: string): void {
    void this.recorder.event(ref, 'Normal', reason, `Node ${ref.name ?? ''} event: ${what}`);
  }

  /** Pods waiting for a NoExecute toleration to run out (namespace/name). */
  pendingEvictions(): string[] {
    return this.eviction.pending();
  }

  /** One monitoring pass (monitorNodeHealth plus the tainting and eviction passes). */
  async monitor(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const api = this.o.api;
      const nodes = (await api.registry('', 'v1', 'nodes').list('')).items as Node[];
      const leaseRegistry = api.lookup('coordination.k8s.io', 'v1', 'leases');
      const leases = new Map<string, Lease>();
      for (const l of leaseRegistry ? (await leaseRegistry.list(NODE_LEASE_NAMESPACE)).items : []) {
        leases.set(l.metadata?.name ?? '', l as Lease);
      }
      const current = new Map<string, Node>();
      for (const node of nodes) {
        const name = node.metadata?.name ?? '';
        try {
          current.set(name, await this.monitorNode(node, leases.get(name)));
        } catch (err) {
          if (!isConflict(err) && !isNotFound(err))
            this.o.logger.warn({ node: name, err: String(err) }, 'monitoring node health');
          current.set(name, node);
        }
      }
      for (const [name, health] of [...this.health]) {
        if (current.has(name)) continue;
        this.health.delete(name);
        this.lastReady.delete(name);
        this.nodeEvent(health.ref, 'RemovingNode', `Removing Node ${name} from Controller`);
      }
      const pods = (await api.registry('', 'v1', 'pods').list('')).items as Pod[];
      for (const name of [...this.markPods]) {
        if (!current.has(name)) this.markPods.delete(name);
        else if (await this.markPodsNotReady(name, pods)) this.markPods.delete(name);
      }
      await this.eviction.reconcile(current, pods);
    } catch (err) {
      this.o.logger.warn({ err: String(err) }, 'node lifecycle pass');
    } finally {
      this.running = false;
    }
  }

  private async monitorNode(node: Node, lease: Lease | undefined): Promise<Node> {
    const name = node.metadata?.name ?? '';
    const nodes = this.o.api.registry('', 'v1', 'nodes');
    const now = this.clock.now();
    const wasReady = this.lastReady.has(name)
      ? this.lastReady.get(name)
      : nodeCondition(node, 'Ready')?.status;
    const saved = this.health.get(name);
    if (!saved) this.nodeEvent(nodeRef(node), 'RegisteredNode', `Registered Node ${name} in Controller`);
    const health = observeHealth(saved?.health, node, lease, now);
    this.health.set(name, { health, ref: nodeRef(node) });
    const grace = gracePeriodFor(node, {
      monitorMs: this.o.nodeMonitorGracePeriodMs ?? 40_000,
      startupMs: this.o.nodeStartupGracePeriodMs ?? 60_000,
    });
    let next = node;
    const conditions = now > health.probeTimestamp + grace ? unknownConditions(node, now) : undefined;
    if (conditions) {
      this.o.logger.info({ node: name }, 'node stopped posting status; marking it Unknown');
      next = (await nodes.guaranteedUpdate(
        '',
        name,
        (obj) => ({ ...obj, status: { ...(obj as Node).status, conditions } }) as KubeObject,
        { subresource: 'status' },
        node.metadata?.resourceVersion,
      )) as Node;
    }
    const isReady = nodeCondition(next, 'Ready')?.status;
    this.lastReady.set(name, isReady);
    if (wasReady === 'True' && isReady !== 'True') {
      // RecordNodeStatusChange
      void this.recorder.event(
        nodeRef(next),
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
      );
      this.markPods.add(name);
    }
    if (reconcileTaints(next, now)) {
      next = (await nodes.guaranteedUpdate('', name, (obj) => {
        const taints = reconcileTaints(obj as Node, now);
        if (!taints) return obj;
        const { taints: _old, ...spec } = (obj as Node).spec ?? {};
        // No taints left: the field goes, as an empty list does not survive upstream's encoding.
        return { ...obj, spec: taints.length ? { ...spec, taints } : spec } as KubeObject;
      })) as Node;
    }
    return next;
  }

  /** MarkPodsNotReady: each pod of the node gets Ready=False (its reason kept). */
  private async markPodsNotReady(nodeName: string, pods: Pod[]): Promise<boolean> {
    const registry = this.o.api.registry('', 'v1', 'pods');
    let ok = true;
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      try {
        await registry.guaranteedUpdate(
          pod.metadata?.namespace ?? '',
          pod.metadata?.name ?? '',
          (obj) => {
            const p = obj as Pod;
            const cond = p.status?.conditions?.find((c) => c.type === 'Ready');
            if (p.status && cond) {
              const { lastTransitionTime: _t, ...rest } = cond;
              updatePodCondition(p.status, { ...rest, status: 'False' }, new Date(this.clock.now()));
            }
            return p;
          },
          { subresource: 'status' },
        );
        void this.recorder.event(
          referenceTo(pod, 'v1', 'Pod'),
          'Warning',
          'NodeNotReady',
          'Node is not ready',
        );
      } catch (err) {
        if (isNotFound(err)) continue;
        this.o.logger.warn({ pod: pod.metadata?.name, err: String(err) }, 'marking pod not ready');
        ok = false;
      }
    }
    return ok;
  }
}
