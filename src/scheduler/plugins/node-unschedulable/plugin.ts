/**
 * NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint; others are rejected as unresolvable.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type PluginFactory,
  type Status,
  success,
  unresolvable,
} from '../../framework/interface.js';
import { tolerationsTolerateTaint } from '../helper/taints.js';

export const name = 'NodeUnschedulable';
export const errReasonUnschedulable = 'node(s) were unschedulable';
export const taintNodeUnschedulable = 'node.kubernetes.io/unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    if (!node.node.spec?.unschedulable) return success();
    const tolerated = tolerationsTolerateTaint(pod.spec?.tolerations, {
      key: taintNodeUnschedulable,
      effect: 'NoSchedule',
    });
    return tolerated ? success() : unresolvable(errReasonUnschedulable);
  }
}

export const nodeUnschedulableFactory: PluginFactory = () => new NodeUnschedulable();
