/**
 * What filtering and scoring share: a pod's constraints for one whenUnsatisfiable action
 * with their selectors parsed (matchLabelKeys merged in, defaults filled), the cluster-level
 * default constraints, and how matching pods on a node are counted.
 */
import type { Node, Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';

import {
  type Labels,
  type Selector,
  Requirement,
  selectorFromLabelSelector,
} from '../../../apimachinery/labels/index.js';
import type { ClusterLister, PodInfo } from '../../framework/interface.js';
import type { RequiredNodeAffinity } from '../helper/node-affinity.js';
import { doNotScheduleTaints, findMatchingUntoleratedTaint } from '../helper/taints.js';
import { defaultSelector } from './default-selector.js';
import type { CountSpec } from './domain-counts.js';

export const name = 'PodTopologySpread';

export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = `${errReasonConstraintsNotMatch} (missing required label)`;

export type Action = 'DoNotSchedule' | 'ScheduleAnyway';

/** A TopologySpreadConstraint with its selector parsed and its optional fields defaulted. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  /** 1 when unset. */
  minDomains: number;
  /** Honor when unset. */
  nodeAffinityPolicy: string;
  /** Ignore when unset. */
  nodeTaintsPolicy: string;
}

/** What the plugin was configured with, for pods without constraints of their own. */
export interface SpreadDefaults {
  constraints: readonly TopologySpreadConstraint[];
  /** Whether the constraints are the built-in ones (defaultingType System). */
  systemDefaulted: boolean;
  lister: ClusterLister;
}

/** The constraints of `action`, parsed; throws a BadRequest error on a selector that does not parse. */
export function filterTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Labels | undefined,
  action: Action,
): SpreadConstraint[] {
  return constraints
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => {
      let selector = selectorFromLabelSelector(c.labelSelector);
      // matchLabelKeys: the incoming pod's values for those keys, ANDed into the selector
      // (a null selector stays one that selects nothing).
      for (const key of c.matchLabelKeys ?? []) {
        const value = podLabels?.[key];
        if (value !== undefined) selector = selector.add(new Requirement(key, '=', [value]));
      }
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
        nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
      };
    });
}

/**
 * The default constraints of `action` for a pod without constraints of its own, each selecting
 * the pods of the pod's Services and controller; none when nothing selects the pod.
 */
export function buildDefaultConstraints(
  pod: Pod,
  defaults: SpreadDefaults,
  action: Action,
): SpreadConstraint[] {
  const constraints = filterTopologySpreadConstraints(defaults.constraints, pod.metadata?.labels, action);
  if (constraints.length === 0) return [];
  const selector = defaultSelector(pod, defaults.lister);
  if (selector.empty()) return [];
  return constraints.map((c) => ({ ...c, selector }));
}

/** The pod's own constraints of `action`, or the defaults when it has none at all. */
export function getConstraints(pod: Pod, defaults: SpreadDefaults, action: Action): SpreadConstraint[] {
  const own = pod.spec?.topologySpreadConstraints ?? [];
  return own.length > 0
    ? filterTopologySpreadConstraints(own, pod.metadata?.labels, action)
    : buildDefaultConstraints(pod, defaults, action);
}

/** Whether the node has every constraint's topology key. */
export function nodeLabelsMatchSpreadConstraints(
  nodeLabels: Labels | undefined,
  constraints: readonly SpreadConstraint[],
): boolean {
  return constraints.every((c) => nodeLabels !== undefined && Object.hasOwn(nodeLabels, c.topologyKey));
}

/**
 * Whether the node is in an eligible domain of the constraint under its node inclusion policies:
 * nodeAffinityPolicy Honor (default) keeps nodes matching the pod's nodeSelector and required node
 * affinity; nodeTaintsPolicy Honor keeps nodes whose NoSchedule/NoExecute taints the pod tolerates.
 */
export function matchNodeInclusionPolicies(
  c: SpreadConstraint,
  pod: Pod,
  node: Node,
  requiredAffinity: RequiredNodeAffinity,
): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !requiredAffinity.match(node)) return false;
  if (c.nodeTaintsPolicy !== 'Honor') return true;
  return !findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints);
}

/**
 * The count of constraint `c` for the incoming pod over nodes that have all `requiredKeys`, keyed
 * by everything the count depends on (the pod's node affinity and tolerations only when the
 * constraint's inclusion policies honor them).
 */
export function spreadCountSpec(
  c: SpreadConstraint,
  pod: Pod,
  requiredKeys: readonly string[],
  affinity: RequiredNodeAffinity,
): CountSpec {
  const namespace = pod.metadata?.namespace ?? '';
  const affinityKey =
    c.nodeAffinityPolicy === 'Honor'
      ? JSON.stringify([
          pod.spec?.nodeSelector ?? null,
          pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
        ])
      : '';
  const taintsKey = c.nodeTaintsPolicy === 'Honor' ? JSON.stringify(pod.spec?.tolerations ?? []) : '';
  const selectorKey = `${c.selector.empty() ? 'everything' : 'selector'}:${c.selector.toString()}`;
  return {
    key: [namespace, selectorKey, c.topologyKey, requiredKeys.join(','), affinityKey, taintsKey].join('\0'),
    namespace,
    selector: c.selector,
    topologyKey: c.topologyKey,
    requiredKeys,
    eligible: (node) => matchNodeInclusionPolicies(c, pod, node, affinity),
  };
}

/**
 * Pods of `namespace` on a node that the selector matches, terminating pods left out. An empty
 * selector (labelSelector `{}`) counts nothing, as upstream.
 */
export function countPodsMatchSelector(
  pods: readonly PodInfo[],
  selector: Selector,
  namespace: string,
): number {
  if (selector.empty()) return 0;
  let count = 0;
  for (const { pod } of pods) {
    if (pod.metadata?.deletionTimestamp || (pod.metadata?.namespace ?? '') !== namespace) continue;
    if (selector.matches(pod.metadata?.labels)) count++;
  }
  return count;
}
