/**
 * NodeName: a pod that names its node (`spec.nodeName`) fits only that node. PreFilter narrows
 * the nodes to filter to that one; Filter rejects every other node as unresolvable.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type PluginFactory,
  type PreFilterPlugin,
  type PreFilterResult,
  type Status,
  skip,
  success,
  unresolvable,
} from '../../framework/interface.js';

export const name = 'NodeName';
export const errReason = "node(s) didn't match the requested node name";

/** Whether the pod may run on the node as far as `spec.nodeName` goes. */
export const fits = (pod: Pod, node: NodeInfo): boolean =>
  !pod.spec?.nodeName || pod.spec.nodeName === node.node.metadata?.name;

export class NodeName implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  preFilter(_state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return { status: skip() };
    return { result: { nodeNames: new Set([nodeName]) }, status: success() };
  }

  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    return fits(pod, node) ? success() : unresolvable(errReason);
  }
}

export const nodeNameFactory: PluginFactory = () => new NodeName();
