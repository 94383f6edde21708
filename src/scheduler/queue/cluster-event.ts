/**
 * Cluster events that can make an unschedulable pod schedulable (upstream's ClusterEvent /
 * EventsToRegister), and which in-tree plugins' rejections each one may resolve. A pod is
 * requeued by an event when one of the plugins that rejected it cares about that event; a pod
 * rejected by a plugin not listed here (or by an error) is requeued by every event.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isDeepStrictEqual } from 'node:util';

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeDelete'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeAllocatableChange'
  | 'NodeSpecUnschedulableChange'
  | 'NodeConditionChange'
  | 'NodeAnnotationChange'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

const interests: Readonly<Record<string, readonly ClusterEvent[]>> = {
  NodeUnschedulable: ['NodeAdd', 'NodeSpecUnschedulableChange', 'NodeTaintChange'],
  NodeName: ['NodeAdd'],
  TaintToleration: ['NodeAdd', 'NodeTaintChange'],
  NodeAffinity: ['NodeAdd', 'NodeLabelChange'],
  NodePorts: ['NodeAdd', 'AssignedPodDelete'],
  NodeResourcesFit: ['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete', 'AssignedPodUpdate'],
  PodTopologySpread: [
    'NodeAdd',
    'NodeDelete',
    'NodeLabelChange',
    'NodeTaintChange',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
  ],
  InterPodAffinity: [
    'NodeAdd',
    'NodeLabelChange',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
  ],
};

/** Whether any of `events` may help a pod that `plugins` rejected. */
export function isRelevant(plugins: ReadonlySet<string>, events: readonly ClusterEvent[]): boolean {
  if (!events.length) return false;
  if (!plugins.size) return true;
  for (const plugin of plugins) {
    const wanted = interests[plugin];
    if (!wanted || events.some((e) => wanted.includes(e))) return true;
  }
  return false;
}

/** What changed in a node update that scheduling cares about (upstream's nodeSchedulingPropertiesChange). */
export function nodeUpdateEvents(old: Node, node: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (old.spec?.unschedulable && !node.spec?.unschedulable) events.push('NodeSpecUnschedulableChange');
  if (!isDeepStrictEqual(old.status?.allocatable ?? {}, node.status?.allocatable ?? {})) {
    events.push('NodeAllocatableChange');
  }
  if (!isDeepStrictEqual(old.metadata?.labels ?? {}, node.metadata?.labels ?? {}))
    events.push('NodeLabelChange');
  if (!isDeepStrictEqual(old.spec?.taints ?? [], node.spec?.taints ?? [])) events.push('NodeTaintChange');
  const conditions = (n: Node) => (n.status?.conditions ?? []).map((c) => [c.type, c.status]);
  if (!isDeepStrictEqual(conditions(old), conditions(node))) events.push('NodeConditionChange');
  if (!isDeepStrictEqual(old.metadata?.annotations ?? {}, node.metadata?.annotations ?? {})) {
    events.push('NodeAnnotationChange');
  }
  return events;
}

/**
 * Whether an unscheduled pod's update may change its scheduling (upstream's isPodUpdated): any
 * change besides status, resourceVersion, generation and managedFields.
 */
export function isPodUpdated(old: Pod, pod: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = p.metadata ?? {};
    return { metadata: meta, spec: p.spec };
  };
  return !isDeepStrictEqual(strip(old), strip(pod));
}
