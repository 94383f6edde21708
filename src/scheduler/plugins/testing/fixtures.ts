/** Small builders for plugin tests: nodes, pods, NodeInfos and a Handle over them. */
import type { Container, Node, NodeSpec, Pod, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Handle, NodeInfo, Snapshot } from '../../framework/interface.js';
import { newNodeInfo } from '../../framework/node-info.js';

export const container = (requests?: Record<string, string>, extra: Partial<Container> = {}): Container => ({
  name: 'c',
  image: 'busybox',
  ...(requests ? { resources: { requests } } : {}),
  ...extra,
});

export const makePod = (
  name: string,
  spec: Partial<PodSpec> = {},
  meta: Partial<ObjectMeta> = {},
  status?: PodStatus,
): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta },
  spec: { containers: [container()], ...spec },
  ...(status ? { status } : {}),
});

export interface NodeOptions {
  allocatable?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: NodeSpec;
  images?: { names: string[]; sizeBytes: number }[];
}

export const makeNode = (name: string, opts: NodeOptions = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
  spec: opts.spec ?? {},
  status: {
    allocatable: opts.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' },
    ...(opts.images ? { images: opts.images } : {}),
  },
});

export const nodeInfo = (node: Node, pods: Pod[] = []): NodeInfo => newNodeInfo(node, pods);

export const snapshotOf = (infos: NodeInfo[]): Snapshot => ({
  nodeInfos: () => infos,
  get: (name) => infos.find((i) => i.node.metadata?.name === name),
});

export const fakeHandle = (infos: NodeInfo[] = []): Handle => ({
  snapshot: () => snapshotOf(infos),
  lister: { services: () => [], namespaces: () => [], controllerSelector: () => undefined },
});
