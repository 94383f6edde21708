/**
 * Node health as the lifecycle controller sees it (upstream's tryUpdateNodeHealth): the
 * controller's own clock marks when it last saw a sign of life — a new Ready heartbeat or a
 * renewed Lease — so the nodes' clocks never matter. Past the grace period (the startup one
 * while the kubelet never posted a Ready condition), the kubelet-owned conditions go Unknown.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../disruption/budget.js';
import { nodeCondition } from './taints.js';

export interface NodeHealth {
  /** When the controller last saw the node alive (epoch ms, controller clock). */
  probeTimestamp: number;
  /** The Ready condition's lastHeartbeatTime when last seen. */
  heartbeat?: string;
  /** The Lease's renewTime when last seen. */
  renewTime?: string;
}

export interface GracePeriods {
  monitorMs: number;
  startupMs: number;
}

/** The health record after looking at the node and its Lease at `now`. */
export function observeHealth(
  saved: NodeHealth | undefined,
  node: Node,
  lease: Lease | undefined,
  now: number,
): NodeHealth {
  const ready = nodeCondition(node, 'Ready');
  let health: NodeHealth;
  if (!saved) {
    // Never seen: a node without status counts from its creation, any other from now.
    const created = Date.parse(node.metadata?.creationTimestamp ?? '');
    const probe = !ready && !Number.isNaN(created) ? created : now;
    health = {
      probeTimestamp: probe,
      ...(ready?.lastHeartbeatTime ? { heartbeat: ready.lastHeartbeatTime } : {}),
    };
  } else if (ready && ready.lastHeartbeatTime !== saved.heartbeat) {
    health = {
      ...saved,
      probeTimestamp: now,
      ...(ready.lastHeartbeatTime ? { heartbeat: ready.lastHeartbeatTime } : {}),
    };
  } else {
    health = { ...saved };
  }
  const renew = lease?.spec?.renewTime;
  if (renew && (!saved?.renewTime || Date.parse(saved.renewTime) < Date.parse(renew))) {
    health.renewTime = renew;
    health.probeTimestamp = now;
  }
  return health;
}

export const gracePeriodFor = (node: Node, g: GracePeriods): number =>
  nodeCondition(node, 'Ready') ? g.monitorMs : g.startupMs;

/** The kubelet-owned conditions the controller marks Unknown (NetworkUnavailable is not). */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * The conditions with every monitored one Unknown ("Kubelet stopped posting node status.",
 * or "never posted" for one the kubelet never set); undefined when they already are.
 */
export function unknownConditions(node: Node, now: number): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        ...(node.metadata?.creationTimestamp ? { lastHeartbeatTime: node.metadata.creationTimestamp } : {}),
        lastTransitionTime: rfc3339(now),
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = rfc3339(now);
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
