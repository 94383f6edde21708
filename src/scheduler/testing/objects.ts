/** Nodes and pods as tests of the scheduler create them through the API. */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { Api } from '../../apiserver/api.js';
import { bootstrap } from '../../controlplane/bootstrap.js';
import type { KubeObject } from '../../registry/resource.js';
import { builtinResources } from '../../registry/all.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';

export const silentLogger = pino({ level: 'silent' });

export async function newTestApi(): Promise<Api> {
  const api = new Api({ store: new MemoryStore(), resources: builtinResources });
  await bootstrap(api);
  return api;
}

export function node(name: string, zone: string, cpu = '4', memory = '8Gi'): Node {
  const resources = { cpu, memory, pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export function pod(name: string, cpu = '100m', extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '64Mi' } } }],
      ...extra,
    },
  };
}

export async function createNode(api: Api, n: Node): Promise<void> {
  await api.registry('', 'v1', 'nodes').create('', n as KubeObject);
}

export async function createPod(api: Api, p: Pod): Promise<void> {
  await api.registry('', 'v1', 'pods').create(p.metadata?.namespace ?? 'default', p as KubeObject);
}

export async function getPod(api: Api, name: string, namespace = 'default'): Promise<Pod> {
  return (await api.registry('', 'v1', 'pods').get(namespace, name)) as Pod;
}
