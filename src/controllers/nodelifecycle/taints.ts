/**
 * The taints the node lifecycle controller owns, as pure functions of a node:
 *
 *   NoExecute (taint-based eviction): Ready=False → not-ready, Ready=Unknown → unreachable,
 *     Ready=True → neither (the two are swapped, never both).
 *   NoSchedule (TaintNodesByCondition): Ready False/Unknown → not-ready/unreachable,
 *     MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable True → the matching taint,
 *     spec.unschedulable → node.kubernetes.io/unschedulable.
 */
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from '../../registry/core/pod/admission.js';
import { rfc3339 } from '../disruption/budget.js';

export { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE };
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Condition type → status → taint key, for the NoSchedule taints. */
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

const noScheduleKeys = new Set([
  ...Object.values(conditionTaints).flatMap((m) => Object.values(m)),
  TAINT_NODE_UNSCHEDULABLE,
]);

export const nodeCondition = (node: Node, type: string): NodeCondition | undefined =>
  node.status?.conditions?.find((c) => c.type === type);

export function desiredNoScheduleKeys(node: Node): string[] {
  const keys: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaints[c.type]?.[c.status];
    if (key) keys.push(key);
  }
  if (node.spec?.unschedulable) keys.push(TAINT_NODE_UNSCHEDULABLE);
  return keys;
}

/** The NoExecute taint the Ready condition calls for (none while Ready is True or unset). */
export function desiredNoExecuteKey(node: Node): string | undefined {
  const ready = nodeCondition(node, 'Ready')?.status;
  if (ready === 'False') return TAINT_NODE_NOT_READY;
  if (ready === 'Unknown') return TAINT_NODE_UNREACHABLE;
  return undefined;
}

const managed = (t: Taint): boolean =>
  (t.effect === 'NoSchedule' && noScheduleKeys.has(t.key)) ||
  (t.effect === 'NoExecute' && (t.key === TAINT_NODE_NOT_READY || t.key === TAINT_NODE_UNREACHABLE));

/**
 * The node's taints with the controller's own brought in line with its conditions (others kept,
 * existing ones kept as they are); undefined when nothing changes.
 */
export function reconcileTaints(node: Node, now: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const want: Taint[] = desiredNoScheduleKeys(node).map((key) => ({ key, effect: 'NoSchedule' }));
  const noExecute = desiredNoExecuteKey(node);
  if (noExecute) want.push({ key: noExecute, effect: 'NoExecute', timeAdded: rfc3339(now) });
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const kept = current.filter((t) => !managed(t) || want.some((w) => same(w, t)));
  const added = want.filter((w) => !current.some((t) => same(w, t)));
  if (!added.length && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
