/**
 * The node agent's bring-up, in a straight line with one AbortSignal:
 *
 *   registry mirrors (certs.d) → containerd (given socket, or our own under <data-dir>/containerd) → local images (pause,
 *   busybox) → CNI config for the pod CIDR → API client (node token) → Node registration →
 *   node status loop + Lease heartbeat → event recorder → pod lifecycle → file pod source
 *   (static pods, when a manifest dir is given) → API pod source (spec.nodeName=me) → service
 *   proxy (iptables) → mirror pods of the static pods
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
import type { Node, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isInvalid, isNotFound, StatusError } from '../apimachinery/errors.js';
import { nodeBearerToken } from '../apiserver/authentication.js';
import { Client } from '../client/index.js';
import { DEFAULT_CLUSTER_DOMAIN, ensureBridgeGateway, startClusterDNS } from '../dns/index.js';
import { chainPrefix, startProxier } from '../proxy/index.js';
import type { Logger } from '../util/log.js';
import { startApiPodSource } from './config/apiserver.js';
import { startFileSource } from './config/file.js';
import { apiSourceUpdates, fanOut, isStaticPod } from './config/sources.js';
import { MirrorClient } from './pod/mirror-client.js';
import { EventRecorder } from './events/recorder.js';
import {
  containerdPaths,
  findProcesses,
  startContainerd,
  useContainerd,
  type Containerd,
} from './containerd/index.js';
import {
  busyboxImage,
  ensureLocalImages,
  pauseImage,
  writeRegistryMirrors,
  type RegistryMirrorFlag,
} from './images/index.js';
import { type Clock, type PodLifecycle, type PodLifecycleOptions, realClock } from './lifecycle.js';
import { DEFAULT_BRIDGE, writeCniConfig } from './network/index.js';
import { startPodRoutes } from './network/routes.js';
import { NodeLeaseController } from './nodelease/controller.js';
import { NodeStatusManager } from './nodestatus/node-status.js';
import { startKubeletServer } from './server/index.js';
import { createPodLifecycle, detectHostIPs } from './pod-workers/index.js';
import { unmountUnder } from './volumemanager/mounter.js';
import { podDataOptions } from './volumemanager/pod-data.js';

export interface AgentOptions {
  /** API server URL. */
  server: string;
  /** The node join token (`<data-dir>/server/node-token` on the server). */
  token: string;
  /** PEM of the cluster CA (`<data-dir>/server/tls/ca.crt` on the server). */
  caCert?: string;
  /** default: the hostname, lowercased */
  nodeName?: string;
  dataDir: string;
  /** Use this containerd instead of starting one. */
  containerdSocket?: string;
  /** This node's pod subnet; none: the one the server allocates (its node IPAM controller). */
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
  /** Directory of static pod manifests (`--pod-manifest-path`); none: no static pods. */
  podManifestPath?: string;
  /** default: the pod workers' `createPodLifecycle` */
  createPodLifecycle?: (options: PodLifecycleOptions) => PodLifecycle;
  signal?: AbortSignal;
}

export interface Agent {
  nodeName: string;
  podCIDR: string;
  node: Node;
  client: Client;
  containerd: Containerd;
  stop(): Promise<void>;
}

export class AgentStartError extends Error {
  constructor(
    readonly code: 'ServerUnreachable' | 'Unauthorized',
    message: string,
  ) {
    super(message);
    this.name = 'AgentStartError';
  }
}

export const defaultNodeName = (): string => hostname().toLowerCase();

export async function startAgent(o: AgentOptions): Promise<Agent> {
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
    // always: a mirror dropped from the flags is removed again
    const mirrorFiles = await writeRegistryMirrors(
      containerdPaths(o.dataDir).certsDir,
      o.registryMirrors ?? [],
    );
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
      images: [pauseImage(), busyboxImage(), ...(o.busyboxAs ?? []).map((n) => busyboxImage(undefined, n))],
    });
    log.info(
      { images: images.map((i) => `${i.name}${i.imported ? ' (imported)' : ''}`) },
      'local images ready',
    );

    const client = new Client({
      server: o.server,
      token: nodeBearerToken(o.token, nodeName),
      ...(o.caCert ? { caCert: o.caCert } : {}),
      userAgent: `cairn-agent/${nodeName}`,
    });
    undo.push(async () => client.close());
    const version = await serverVersion(client, o.server);

    // the kubelet API (logs, exec, attach, port-forward for the API server), advertised in the Node
    const kubeletServer = await startKubeletServer({
      runtime,
      nodeName,
      addresses: hostAddresses(),
      ...(o.caCert ? { caCert: o.caCert } : {}),
      ...(o.kubeletPort !== undefined ? { port: o.kubeletPort } : {}),
      logger: log,
    });
    undo.push(() => kubeletServer.close());

    const nodeStatus = new NodeStatusManager({
      nodes: client.nodes,
      nodeName,
      ...(o.podCIDR ? { podCIDR: o.podCIDR } : {}),
      runtime,
      runtimeVersion: containerd.version,
      kubeletVersion: version,
      kubeletPort: kubeletServer.port,
      dataDir: o.dataDir,
      logger: log,
      clock,
    });
    await nodeStatus.registerNode(signal);
    // the pod subnet: the agent's own, or the one the server allocates
    const node = await nodeStatus.waitForPodCIDR(signal);
    const podCIDR = node.spec?.podCIDR ?? '';
    const paths = containerdPaths(o.dataDir);
    await writeCniConfig(paths.cniConfDir, { subnet: podCIDR, ipamDataDir: paths.cniIpamDir, bridge });
    if (o.containerdSocket)
      log.info(
        { confDir: paths.cniConfDir },
        "CNI config written; point the given containerd's cni conf_dir there",
      );
    if (o.podRoutes !== false) {
      // to the other nodes' pod subnets, through their InternalIPs
      const routes = await startPodRoutes({ client, nodeName, logger: log, signal });
      if (o.cleanupOnStop) undo.push(() => routes.cleanup());
    }
    const statusLoop = nodeStatus.start(signal);
    undo.push(() => statusLoop.stopped);
    const lease = new NodeLeaseController({
      leases: client.leases,
      nodes: client.nodes,
      nodeName,
      logger: log,
      clock,
    });
    const leaseLoop = lease.start(signal);
    undo.push(() => leaseLoop.stopped);

    const clusterDomain = o.clusterDNS?.domain ?? o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    let clusterDNS = o.clusterDNS;
    if (o.serveClusterDNS !== false) {
      // on the gateway every pod routes through, before any pod starts; without it pods get the host's DNS
      try {
        const address = await ensureBridgeGateway({ bridge, podCIDR });
        const dns = await startClusterDNS({
          client,
          address,
          domain: clusterDomain,
          logger: o.logger.child({ component: 'dns', node: nodeName }),
          signal,
        });
        undo.push(() => dns.stop());
        clusterDNS ??= { nameservers: [dns.address], domain: clusterDomain };
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'cluster DNS not served; pods use the host resolv.conf');
      }
    }

    // static pods' status goes to their mirror pods; they are never deleted through the API
    const mirrors = new MirrorClient({
      pods: client.pods,
      nodeName,
      nodeUID: () => node.metadata?.uid,
      logger: log,
    });
    // core/v1 Events about pods and containers (Pulled, Created, Started, Killing, Unhealthy, …)
    const events = new EventRecorder({ events: client.events, nodeName, logger: log, clock });
    undo.push(async () => events.stop());
    const lifecycle = (o.createPodLifecycle ?? createPodLifecycle)({
      runtime,
      nodeName,
      events,
      logger: o.logger.child({ component: 'pod-lifecycle', node: nodeName }),
      rootDir: join(o.dataDir, 'kubelet'),
      updatePodStatus: (pod, status) =>
        isStaticPod(pod) ? mirrors.setStatus(pod, status) : updatePodStatus(client, pod, status, log),
      deletePod: (pod) => (isStaticPod(pod) ? Promise.resolve() : deletePod(client, pod)),
      ...(clusterDNS ? { clusterDNS } : {}),
      clock,
      // env sources, volumes and /etc/hosts (read by the default createPodLifecycle)
      ...podDataOptions({
        client,
        runtime,
        rootDir: join(o.dataDir, 'kubelet'),
        hostIPs: detectHostIPs(),
        allocatable: () => node.status?.allocatable ?? {},
        logger: log,
        clusterDomain,
      }),
    });
    await lifecycle.start(signal);
    if (o.podManifestPath) {
      const files = await startFileSource(
        { dir: o.podManifestPath, nodeName, updates: fanOut(lifecycle, mirrors.staticUpdates), logger: log },
        signal,
      );
      undo.push(() => files.stopped);
    }
    const source = await startApiPodSource(
      { pods: client.pods, nodeName, updates: apiSourceUpdates(lifecycle, mirrors), logger: log },
      signal,
    );
    undo.push(() => source.stopped);
    if (o.serviceProxy !== false) {
      // like kube-proxy: rules stay when the agent stops, unless it cleans up after itself
      try {
        const proxier = await startProxier({
          client,
          podCIDR,
          bridge,
          prefix: chainPrefix(bridge, DEFAULT_BRIDGE),
          ...(o.serviceCIDR ? { serviceCIDR: o.serviceCIDR } : {}),
          logger: o.logger.child({ component: 'proxy', node: nodeName }),
          signal,
        });
        undo.push(() => proxier.stop({ cleanup: o.cleanupOnStop === true }));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'service proxy not running; ClusterIPs are not reachable');
      }
    }
    const mirrorLoop = mirrors.start(signal);
    undo.push(() => mirrorLoop);
    log.info({ podCIDR }, 'node agent is ready');
    return { nodeName, podCIDR, node, client, containerd, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The host's addresses (for the kubelet's serving certificate). */
const hostAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => a.address);

/** The server's version, which is also this agent's (`nodeInfo.kubeletVersion`); says why it failed. */
async function serverVersion(client: Client, server: string): Promise<string> {
  try {
    // /version is public: check the token too, with a request only an authenticated node can make
    const { gitVersion } = await client.rest.version();
    await client.nodes.list({ limit: 1 });
    return gitVersion;
  } catch (err) {
    if (err instanceof StatusError && err.code === 401) {
      throw new AgentStartError(
        'Unauthorized',
        `${server} rejected the node token (use <data-dir>/server/node-token)`,
      );
    }
    const hint = /certificate/i.test((err as Error).message)
      ? ' (pass the server CA: --ca-cert <server data-dir>/server/tls/ca.crt)'
      : '';
    throw new AgentStartError(
      'ServerUnreachable',
      `cannot reach the API server at ${server}: ${(err as Error).message}${hint}`,
    );
  }
}

/** pods/status, unconditionally (no resourceVersion) but only for the same pod (its uid). */
async function updatePodStatus(client: Client, pod: Pod, status: PodStatus, log: Logger): Promise<void> {
  const { resourceVersion: _rv, ...metadata } = pod.metadata ?? {};
  try {
    await client.pods.updateStatus({ ...pod, metadata, status });
  } catch (err) {
    // gone, or replaced by a pod of the same name (uid differs: the server refuses the change)
    if (isNotFound(err) || isInvalid(err)) {
      log.debug(
        { pod: `${metadata.namespace}/${metadata.name}`, err: (err as Error).message },
        'status not written',
      );
      return;
    }
    throw err;
  }
}

/** The final delete of a terminated pod: grace 0, only this uid (upstream's status manager). */
async function deletePod(client: Client, pod: Pod): Promise<void> {
  const uid = pod.metadata?.uid ?? '';
  try {
    await client.pods.delete(pod.metadata?.name ?? '', {
      namespace: pod.metadata?.namespace ?? 'default',
      gracePeriodSeconds: 0,
      preconditions: { uid },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

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
