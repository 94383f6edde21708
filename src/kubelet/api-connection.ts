/**
 * The agent's API client as the parts that start before it see it: the pod lifecycle, the mirror
 * client and the event recorder exist from the start (static pods run without a server), and
 * reach the API through this connection, which holds the client once the agent has joined.
 * Before that every call fails with `NotConnectedError` — what those parts do with a server that
 * is away anyway: mirrors and events are retried or dropped, statuses kept.
 *
 * Pod data (env and volumes) reads ConfigMaps, Secrets and Services through it. A static pod
 * never waits for the server: when the Services cannot be listed its service links are left out
 * (upstream builds static pods' env without waiting for the service informer).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Client } from '../client/index.js';
import type { EventsClient } from '../client/record/sink.js';
import type { Logger } from '../util/log.js';
import { isStaticPod } from './config/sources.js';
import type { Runtime } from './container/runtime.js';
import { createEnvResolver } from './envvars/index.js';
import type { EnvResolver } from './kuberuntime/container-config.js';
import type { MirrorPodsApi } from './pod/mirror-client.js';
import { VolumeManager } from './volumemanager/index.js';
import { apiObjectSource, type ObjectSource } from './volumemanager/object-source.js';
import { sandboxPodIPs } from './volumemanager/pod-data.js';

export class NotConnectedError extends Error {
  constructor() {
    super('not connected to the API server yet');
    this.name = 'NotConnectedError';
  }
}

export class ApiConnection {
  private current: { client: Client; objects: ObjectSource } | undefined;
  /** This node as last registered or read (its uid owns the mirror pods; allocatable for env). */
  node: Node | undefined;
  /** Whether the API pod source delivered its first list (orphans are judged only after). */
  apiPodsSynced = false;

  get client(): Client | undefined {
    return this.current?.client;
  }

  connect(client: Client, node: Node): void {
    this.current = { client, objects: apiObjectSource(client) };
    this.node = node;
  }

  disconnect(): void {
    this.current = undefined;
    this.apiPodsSynced = false;
  }

  private need(): { client: Client; objects: ObjectSource } {
    if (!this.current) throw new NotConnectedError();
    return this.current;
  }

  readonly pods: MirrorPodsApi = {
    get: async (name, o) => this.need().client.pods.get(name, o),
    create: async (pod, o) => this.need().client.pods.create(pod, o),
    updateStatus: async (pod, o) => this.need().client.pods.updateStatus(pod, o),
    delete: async (name, o) => this.need().client.pods.delete(name, o),
  };

  readonly events: EventsClient = {
    create: async (event, o) => this.need().client.events.create(event, o),
    update: async (event, o) => this.need().client.events.update(event, o),
    patch: async (name, patch, o) => this.need().client.events.patch(name, patch, o),
  };

  readonly objects: ObjectSource = {
    getConfigMap: async (ns, name) => this.need().objects.getConfigMap(ns, name),
    getSecret: async (ns, name) => this.need().objects.getSecret(ns, name),
    listServices: async (ns) => (await this.need().objects.listServices?.(ns)) ?? [],
    requestToken: async (ns, name, request) => {
      const { objects } = this.need();
      if (!objects.requestToken) throw new Error('token requests are not supported');
      return objects.requestToken(ns, name, request);
    },
  };
}

export interface AgentPodDataOptions {
  connection: ApiConnection;
  runtime: Runtime;
  rootDir: string;
  hostIPs: string[];
  logger: Logger;
  clusterDomain?: string | undefined;
}

/** The env resolver and volume manager of the agent's pod lifecycle, over the connection. */
export function agentPodData(o: AgentPodDataOptions): { envResolver: EnvResolver; podMounts: VolumeManager } {
  const { connection } = o;
  const allocatable = () => connection.node?.status?.allocatable ?? {};
  const runtimeInfo = async (pod: Pod) => ({
    podIPs: pod.spec?.hostNetwork ? o.hostIPs : await sandboxPodIPs(o.runtime, pod),
    hostIPs: o.hostIPs,
  });
  const log = o.logger.child({ component: 'envvars' });
  const onInvalidKeys = (pod: Pod, message: string) => log.warn({ pod: pod.metadata?.name }, message);
  const apiPodsEnv = createEnvResolver({
    objects: connection.objects,
    allocatable,
    runtimeInfo,
    onInvalidKeys,
  });
  const staticPodsEnv = createEnvResolver({
    objects: {
      ...connection.objects,
      listServices: (ns) => connection.objects.listServices?.(ns).catch(() => []) ?? Promise.resolve([]),
    },
    allocatable,
    runtimeInfo,
    onInvalidKeys,
  });
  return {
    envResolver: (pod, container) => (isStaticPod(pod) ? staticPodsEnv : apiPodsEnv)(pod, container),
    podMounts: new VolumeManager({
      rootDir: o.rootDir,
      objects: connection.objects,
      runtimeInfo,
      allocatable,
      ...(o.clusterDomain ? { clusterDomain: o.clusterDomain } : {}),
    }),
  };
}
