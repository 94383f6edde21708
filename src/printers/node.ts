/**
 * The Node table: NAME STATUS ROLES AGE VERSION, and (wide) INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME. STATUS is Ready/NotReady/Unknown, plus SchedulingDisabled
 * for cordoned nodes; ROLES come from node-role.kubernetes.io/<role> and kubernetes.io/role.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { TableConvertor } from '../registry/resource.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return [...roles].sort();
}

const address = (node: Node, type: string): string =>
  (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';

export function printNode(node: Node, now: Date): unknown[] {
  const info = node.status?.nodeInfo;
  return [
    node.metadata?.name ?? '',
    nodeStatus(node),
    nodeRoles(node).join(',') || '<none>',
    translateTimestampSince(node.metadata?.creationTimestamp, now),
    info?.kubeletVersion ?? '',
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    info?.osImage || '<unknown>',
    info?.kernelVersion || '<unknown>',
    info?.containerRuntimeVersion || '<unknown>',
  ];
}

export const nodeTable: TableConvertor<Node> = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    column(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    column(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    column(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  cells: printNode,
};
