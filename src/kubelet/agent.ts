/**
 * The node agent's bring-up, planned first (agent-plan.ts), then in a straight line with one
 * AbortSignal. The local part needs no API server, so static pods run at once:
 *
 *   CNI config (when the agent brings its pod subnet) → registry mirrors (certs.d) → containerd
 *   (given socket, or our own under <data-dir>/containerd) → local images (pause, busybox, …) →
 *   event recorder + mirror client (over a connection that has no client yet) → pod lifecycle →
 *   file pod source (static pods; those on the pod network wait for it when the subnet is the
 *   server's to allocate)
 *
 * then the API side (agent-api.ts), joined in the background and retried with a backoff: client,
 * Node registration, node status + Lease, cluster DNS, API pod source, service proxy, mirror
 * pods. `connected` resolves once it runs. An agent without static pods has nothing to do without
 * a server: it fails at once when the server cannot be reached, as a refused token always does.
 *
 * `stop()` undoes it in reverse. Pods are not killed when the agent stops: their containers keep
 * running in their shims (our containerd is stopped, shims outlive it) and the next agent on the
 * same data dir adopts them. `cleanupOnStop` (tests, `cairn up --cleanup-on-exit`) instead stops
 * and removes every pod sandbox first, so containerd, its shims and the CNI bridge all go.
 */
import { setMaxListeners } from 'node:events';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Client } from '../client/index.js';
import { DEFAULT_CLUSTER_DOMAIN, ensureBridgeGateway } from '../dns/index.js';
import type { Logger } from '../util/log.js';
import { AgentStartError, deletePod, joinCluster, updatePodStatus } from './agent-api.js';
import { planAgentStart, type AgentCredentialFiles } from './agent-plan.js';
import { agentPodData, ApiConnection, NotConnectedError } from './api-connection.js';
import { startFileSource } from './config/file.js';
import { fanOut, isStaticPod } from './config/sources.js';
import {
  containerdPaths,
  findProcesses,
  startContainerd,
  useContainerd,
  type Containerd,
} from './containerd/index.js';
import { EventRecorder } from './events/recorder.js';
import {
  busyboxImage,
  ensureLocalImages,
  pauseImage,
  writeRegistryMirrors,
  type LocalImage,
  type RegistryMirrorFlag,
} from './images/index.js';
import { type Clock, type PodLifecycle, type PodLifecycleOptions, realClock } from './lifecycle.js';
import { DEFAULT_BRIDGE, writeCniConfig } from './network/index.js';
import { MirrorClient } from './pod/mirror-client.js';
import { NetworkReadinessGate } from './pod/network-readiness-gate.js';
import { createPodLifecycle, detectHostIPs, type CreatePodLifecycleOptions } from './pod-workers/index.js';
import { unmountUnder } from './volumemanager/mounter.js';

export interface AgentOptions {
  /** API server URL. */
  server: string;
  /** The node join token (`<data-dir>/server/node-token` on the server). */
  token?: string;
  /**
   * Without a token: wait for these files, written by an API server on this machine (a
   * self-hosted control plane run as this agent's static pods).
   */
  credentialFiles?: AgentCredentialFiles;
  /** PEM of the cluster CA (`<data-dir>/server/tls/ca.crt` on the server). */
  caCert?: string;
  /** default: the hostname, lowercased */
  nodeName?: string;
  dataDir: string;
  /** Use this containerd instead of starting one. */
  containerdSocket?: string;
  /**
   * This node's pod subnet (its CNI config is written before anything starts); none: the one the
   * server allocates (its node IPAM controller), and static pods not on the host network wait for it.
   */
  podCIDR?: string;
  /** Route the other nodes' pod subnets through their InternalIPs (host-gw); default true. */
  podRoutes?: boolean;
  /** CNI bridge name (default cairn0). */
  bridge?: string;
  logger: Logger;
  clock?: Clock;
  /** Cluster DNS for dnsPolicy ClusterFirst (default: the agent's own, on the bridge gateway). */
  clusterDNS?: { nameservers: string[]; domain: string };
  /** default cluster.local */
  clusterDomain?: string;
  /** Serve cluster DNS on the bridge gateway, port 53 (default true). */
  serveClusterDNS?: boolean;
  /** The kubelet API's port (default 10250, or a free one when taken; 0: a free one). */
  kubeletPort?: number;
  /** Stop and remove all pod sandboxes when stopping (tests); default false: pods keep running. */
  cleanupOnStop?: boolean;
  /** Run the iptables service proxy (ClusterIP traffic to ready endpoints); default true. */
  serviceProxy?: boolean;
  /** The cluster's service CIDR, for the service proxy (default 10.96.0.0/12). */
  serviceCIDR?: string;
  /**
   * Extra names under which the locally built busybox image is imported (e.g.
   * `docker.io/library/busybox:1.28`), for nodes that can reach no registry. The content stays
   * busybox-static, whatever the name says.
   */
  busyboxAs?: string[];
  /** Registry mirrors (`--registry-mirror HOST=URL`), written to containerd's certs.d before any pull. */
  registryMirrors?: RegistryMirrorFlag[];
  /** More locally built images to import (e.g. the self-hosted control plane's). */
  localImages?: LocalImage[];
  /** Directory of static pod manifests (`--pod-manifest-path`); none: no static pods. */
  podManifestPath?: string;
  /** default: the pod workers' `createPodLifecycle` */
  createPodLifecycle?: (options: PodLifecycleOptions) => PodLifecycle;
  signal?: AbortSignal;
}

export interface Agent {
  nodeName: string;
  containerd: Containerd;
  /** Resolves once the agent joined the API server (rejects when it never can: a refused token). */
  connected: Promise<AgentConnection>;
  stop(): Promise<void>;
}

export interface AgentConnection {
  podCIDR: string;
  node: Node;
  client: Client;
}

export { AgentStartError };

export const defaultNodeName = (): string => hostname().toLowerCase();

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const plan = planAgentStart(o);
  const abort = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, abort.signal]) : abort.signal;
  setMaxListeners(100, signal); // one signal is the context of every loop and request below
  const nodeName = o.nodeName ?? defaultNodeName();
  const bridge = o.bridge ?? DEFAULT_BRIDGE;
  const clock = o.clock ?? realClock;
  const log = o.logger.child({ component: 'agent', node: nodeName });
  const undo: Array<() => Promise<void>> = [];
  const stop = async () => {
    abort.abort();
    for (const step of undo.reverse())
      await step().catch((err: Error) => log.warn({ err: err.message }, 'stop'));
  };

  try {
    const paths = containerdPaths(o.dataDir);
    if (plan.cni.when === 'at-start') {
      // before containerd: its CRI plugin finds the pod network ready from the start
      await writeCniConfig(paths.cniConfDir, {
        subnet: plan.cni.podCIDR,
        ipamDataDir: paths.cniIpamDir,
        bridge,
      });
      if (o.containerdSocket)
        log.info(
          { confDir: paths.cniConfDir },
          "CNI config written; point the given containerd's cni conf_dir there",
        );
    }
    // always: a mirror dropped from the flags is removed again
    const mirrorFiles = await writeRegistryMirrors(paths.certsDir, o.registryMirrors ?? []);
    if (mirrorFiles.length > 0) {
      log.info(
        { files: mirrorFiles },
        o.containerdSocket
          ? "registry mirrors written; point the given containerd's registry config_path there"
          : 'registry mirrors written',
      );
    }
    const containerd = o.containerdSocket
      ? await useContainerd(o.containerdSocket, { signal })
      : await startContainerd({
          dataDir: o.dataDir,
          bridge,
          signal,
          onRestart: (e) =>
            e.error
              ? log.error({ ...e }, 'containerd died and did not come back')
              : log.warn({ ...e }, 'containerd died; started it again'),
        });
    undo.push(() => containerd.stop());
    if (o.cleanupOnStop) {
      // after the sandboxes are gone: the pods' tmpfs volumes (memory emptyDirs, secrets)
      if (process.getuid?.() === 0) undo.push(() => unmountUnder(join(o.dataDir, 'kubelet', 'pods')));
      undo.push(() => removeAllSandboxes(containerd, log));
    }
    const runtime = containerd.runtime;
    log.info({ socket: containerd.socket, version: containerd.version.runtime_version }, 'containerd is up');

    const images = await ensureLocalImages(runtime, {
      socket: containerd.socket,
      images: [
        pauseImage(),
        busyboxImage(),
        ...(o.busyboxAs ?? []).map((n) => busyboxImage(undefined, n)),
        ...(o.localImages ?? []),
      ],
    });
    log.info(
      { images: images.map((i) => `${i.name}${i.imported ? ' (imported)' : ''}`) },
      'local images ready',
    );

    const clusterDomain = o.clusterDNS?.domain ?? o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const servesDNS = !o.clusterDNS && o.serveClusterDNS !== false;
    // the agent's own DNS on the bridge gateway, filled in once its address is known
    const clusterDNS = o.clusterDNS ?? (servesDNS ? { nameservers: [], domain: clusterDomain } : undefined);
    if (servesDNS && clusterDNS && plan.cni.when === 'at-start') {
      try {
        clusterDNS.nameservers.push(await ensureBridgeGateway({ bridge, podCIDR: plan.cni.podCIDR }));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'no bridge gateway for the cluster DNS yet');
      }
    }

    // the API as the parts below see it: there once the agent joined
    const connection = new ApiConnection();
    // static pods' status goes to their mirror pods; they are never deleted through the API
    const mirrors = new MirrorClient({
      pods: connection.pods,
      nodeName,
      nodeUID: () => connection.node?.metadata?.uid,
      logger: log,
    });
    // core/v1 Events about pods and containers (Pulled, Created, Started, Killing, Unhealthy, …)
    const events = new EventRecorder({ events: connection.events, nodeName, logger: log, clock });
    undo.push(async () => events.stop());
    const client = () => connection.client ?? raise(new NotConnectedError());
    const lifecycleOptions: CreatePodLifecycleOptions = {
      runtime,
      nodeName,
      events,
      logger: o.logger.child({ component: 'pod-lifecycle', node: nodeName }),
      rootDir: join(o.dataDir, 'kubelet'),
      updatePodStatus: (pod, status) =>
        isStaticPod(pod) ? mirrors.setStatus(pod, status) : updatePodStatus(client(), pod, status, log),
      deletePod: (pod) => (isStaticPod(pod) ? Promise.resolve() : deletePod(client(), pod)),
      ...(clusterDNS ? { clusterDNS } : {}),
      clock,
      // orphans are judged once the API's pods are known (upstream: all sources ready)
      sourcesReady: () => connection.apiPodsSynced,
      // env sources, volumes and /etc/hosts (read by the default createPodLifecycle)
      ...agentPodData({
        connection,
        runtime,
        rootDir: join(o.dataDir, 'kubelet'),
        hostIPs: detectHostIPs(),
        logger: log,
        clusterDomain,
      }),
    };
    const lifecycle = (o.createPodLifecycle ?? createPodLifecycle)(lifecycleOptions);
    await lifecycle.start(signal);
    const gate = new NetworkReadinessGate(lifecycle, {
      ready: plan.cni.when === 'at-start',
      onHold: (pod) => log.info({ pod: pod.metadata?.name }, 'static pod waits for the pod network'),
    });
    if (plan.staticPods) {
      const files = await startFileSource(
        {
          dir: plan.staticPods.dir,
          nodeName,
          updates: fanOut(gate, mirrors.staticUpdates),
          logger: log,
        },
        signal,
      );
      undo.push(() => files.stopped);
      log.info({ dir: plan.staticPods.dir, pods: files.pods().length }, 'static pods started');
    }

    const joining = joinCluster({
      settings: o,
      plan,
      nodeName,
      bridge,
      clock,
      logger: o.logger,
      log,
      containerd,
      lifecycle,
      gate,
      mirrors,
      connection,
      clusterDNS,
      servesDNS,
      hostAddresses: hostAddresses(),
      signal,
    });
    // stopping: the join ends with the signal, then what it started stops first
    undo.push(async () => (await joining.catch(() => undefined))?.stop());
    const connected = joining.then(({ node, client, podCIDR }) => {
      log.info({ podCIDR }, 'node agent joined the API server');
      return { node, client, podCIDR };
    });
    connected.catch(() => undefined); // the caller may never ask
    if (plan.unreachableServer === 'fail') await connected;
    log.info(
      { podCIDR: plan.cni.when === 'at-start' ? plan.cni.podCIDR : undefined },
      'node agent is running',
    );
    return { nodeName, containerd, connected, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const raise = (err: Error): never => {
  throw err;
};

/** The host's addresses (for the kubelet's serving certificate). */
const hostAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => a.address);

/** Stops and removes every pod sandbox (with its containers), then waits for their shims to exit. */
async function removeAllSandboxes(containerd: Containerd, log: Logger): Promise<void> {
  const runtime = containerd.runtime;
  for (const sandbox of await runtime.listPodSandbox()) {
    await runtime
      .stopPodSandbox(sandbox.id)
      .catch((err: Error) => log.warn({ err: err.message }, 'stop sandbox'));
    await runtime
      .removePodSandbox(sandbox.id)
      .catch((err: Error) => log.warn({ err: err.message }, 'remove sandbox'));
  }
  if (!containerd.paths) return;
  for (let i = 0; i < 100 && (await findShims(containerd.paths.base)).length > 0; i++) await sleep(50);
}

const findShims = async (base: string) =>
  (await findProcesses(base)).filter((p) => p.argv.some((a) => a.includes('containerd-shim')));
