/**
 * NodePorts: the pod's host ports must be free on the node. A port is taken when the node
 * already uses the same protocol and port on the same host IP or on 0.0.0.0; a wanted port on
 * 0.0.0.0 conflicts with that protocol and port on any IP.
 */
import type { ContainerPort, Pod } from 'kubernetes-types/core/v1.js';
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
  unschedulable,
} from '../../framework/interface.js';
import { defaultBindAllHostIP, getHostPorts, hostPortKey } from '../../framework/node-info.js';

export const name = 'NodePorts';
export const errReason = "node(s) didn't have free ports for the requested pod ports";
const preFilterStateKey = `PreFilter${name}`;

/** Whether `want` conflicts with the node's used ports (keys `${protocol}/${hostIP}/${port}`). */
export function portConflicts(want: ContainerPort, usedPorts: ReadonlySet<string>): boolean {
  const port = want.hostPort ?? 0;
  if (port <= 0) return false;
  const protocol = want.protocol || 'TCP';
  const ip = want.hostIP || defaultBindAllHostIP;
  if (ip === defaultBindAllHostIP) {
    for (const key of usedPorts) {
      const [p, , n] = key.split('/');
      if (p === protocol && n === String(port)) return true;
    }
    return false;
  }
  return [defaultBindAllHostIP, ip].some((hostIP) =>
    usedPorts.has(hostPortKey({ protocol, hostIP, hostPort: port })),
  );
}

export const fitsPorts = (want: readonly ContainerPort[], usedPorts: ReadonlySet<string>): boolean =>
  !want.some((p) => portConflicts(p, usedPorts));

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const ports = getHostPorts(pod);
    if (ports.length === 0) return { status: skip() };
    state.write(preFilterStateKey, ports);
    return { status: success() };
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const want = state.read<ContainerPort[]>(preFilterStateKey) ?? getHostPorts(pod);
    return fitsPorts(want, node.usedPorts) ? success() : unschedulable(errReason);
  }
}

export const nodePortsFactory: PluginFactory = () => new NodePorts();
