/**
 * The agent's API side, started once the node agent runs its local part (see agent.ts): join the
 * API server, then everything that needs it, in a straight line:
 *
 *   credentials (given, or the local API server's files) → client → version + token check →
 *   kubelet API → Node registration → pod subnet (own, or allocated) → CNI config when the subnet
 *   came from the server → pod routes → node status loop + Lease → cluster DNS → the pods waiting
 *   for the network go → API pod source → service proxy → mirror pods
 *
 * `joinCluster` retries a failed join after a backoff (1 s doubling to 10 s), undoing what the
 * attempt had started, unless the failure is fatal: a refused node token (401), a pod subnet
 * that contradicts the Node's, or any failure when the agent has nothing to run without a server.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isInvalid, isNotFound, StatusError } from '../apimachinery/errors.js';
import { nodeBearerToken } from '../apiserver/authentication.js';
import { Client } from '../client/index.js';
import { ensureBridgeGateway, startClusterDNS } from '../dns/index.js';
import { chainPrefix, startProxier } from '../proxy/index.js';
import type { Logger } from '../util/log.js';
import type { AgentStartPlan, CredentialsPlan } from './agent-plan.js';
import type { ApiConnection } from './api-connection.js';
import { startApiPodSource } from './config/apiserver.js';
import { apiSourceUpdates, type PodUpdates } from './config/sources.js';
import { containerdPaths, type Containerd } from './containerd/index.js';
import type { Clock } from './lifecycle.js';
import { DEFAULT_BRIDGE, writeCniConfig } from './network/index.js';
import { startPodRoutes } from './network/routes.js';
import { NodeLeaseController } from './nodelease/controller.js';
import { NodePodCIDRMismatchError, NodeStatusManager } from './nodestatus/node-status.js';
import type { MirrorClient } from './pod/mirror-client.js';
import type { NetworkReadinessGate } from './pod/network-readiness-gate.js';
import { startKubeletServer } from './server/index.js';

export class AgentStartError extends Error {
  constructor(
    readonly code: 'ServerUnreachable' | 'Unauthorized',
    message: string,
  ) {
    super(message);
    this.name = 'AgentStartError';
  }
}

/** The agent's own settings the API side uses (a subset of AgentOptions). */
export interface JoinSettings {
  server: string;
  dataDir: string;
  containerdSocket?: string | undefined;
  podRoutes?: boolean | undefined;
  kubeletPort?: number | undefined;
  cleanupOnStop?: boolean | undefined;
  serviceProxy?: boolean | undefined;
  serviceCIDR?: string | undefined;
  serveClusterDNS?: boolean | undefined;
}

export interface JoinOptions {
  settings: JoinSettings;
  plan: AgentStartPlan;
  nodeName: string;
  bridge: string;
  clock: Clock;
  logger: Logger;
  /** The agent's component logger. */
  log: Logger;
  containerd: Containerd;
  /** Where the API source's pods go (the pod lifecycle). */
  lifecycle: PodUpdates;
  gate: NetworkReadinessGate;
  mirrors: MirrorClient;
  connection: ApiConnection;
  /** The pods' cluster DNS: filled in here when the agent serves it and its address was not known before. */
  clusterDNS: { nameservers: string[]; domain: string } | undefined;
  /** Whether the agent serves the cluster DNS (not given by flags). */
  servesDNS: boolean;
  hostAddresses: string[];
  signal: AbortSignal;
}

export interface Joined {
  node: Node;
  client: Client;
  podCIDR: string;
  /** Stops the API side (reverse order). */
  stop(): Promise<void>;
}

export interface RetryOptions {
  mode: 'fail' | 'retry';
  /** Failures never retried (besides every failure in `fail` mode). */
  isFatal: (err: unknown) => boolean;
  onRetry: (err: unknown, delayMs: number) => void;
  initialMs?: number;
  maxMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  signal: AbortSignal;
}

/** Runs `attempt` until it succeeds, sleeping a doubling backoff between failures. */
export async function retryWithBackoff<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  o: RetryOptions,
): Promise<T> {
  const wait = o.sleep ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  const max = o.maxMs ?? 10_000;
  let delay = o.initialMs ?? 1000;
  for (;;) {
    try {
      return await attempt(o.signal);
    } catch (err) {
      if (o.signal.aborted || o.mode === 'fail' || o.isFatal(err)) throw err;
      o.onRetry(err, delay);
      await wait(delay, o.signal);
      delay = Math.min(delay * 2, max);
    }
  }
}

const isFatalJoinError = (err: unknown): boolean =>
  (err instanceof AgentStartError && err.code === 'Unauthorized') || err instanceof NodePodCIDRMismatchError;

/** Joins the cluster, retrying per the plan; resolves once the API side runs. */
export function joinCluster(o: JoinOptions): Promise<Joined> {
  return retryWithBackoff(
    async (signal) => {
      const attempt = new AbortController();
      const undo: Array<() => Promise<void>> = [];
      const stop = async () => {
        attempt.abort();
        for (const step of undo.reverse())
          await step().catch((err: Error) => o.log.warn({ err: err.message }, 'stop'));
      };
      try {
        return { ...(await joinOnce(o, AbortSignal.any([signal, attempt.signal]), undo)), stop };
      } catch (err) {
        await stop();
        throw err;
      }
    },
    {
      mode: o.plan.unreachableServer,
      isFatal: isFatalJoinError,
      onRetry: (err, delayMs) =>
        o.log.warn(
          { err: (err as Error).message, retryInMs: delayMs },
          'cannot join the API server; static pods keep running, trying again',
        ),
      signal: o.signal,
    },
  );
}

async function joinOnce(
  o: JoinOptions,
  signal: AbortSignal,
  undo: Array<() => Promise<void>>,
): Promise<Omit<Joined, 'stop'>> {
  const { settings, nodeName, bridge, log, plan } = o;
  const { token, caCert } = await credentials(plan.credentials, log, signal);
  const client = new Client({
    server: settings.server,
    token: nodeBearerToken(token, nodeName),
    ...(caCert ? { caCert } : {}),
    userAgent: `cairn-agent/${nodeName}`,
  });
  undo.push(async () => client.close());
  const version = await serverVersion(client, settings.server, signal);

  // the kubelet API (logs, exec, attach, port-forward for the API server), advertised in the Node
  const kubeletServer = await startKubeletServer({
    runtime: o.containerd.runtime,
    nodeName,
    addresses: o.hostAddresses,
    ...(caCert ? { caCert } : {}),
    ...(settings.kubeletPort !== undefined ? { port: settings.kubeletPort } : {}),
    logger: log,
  });
  undo.push(() => kubeletServer.close());

  const nodeStatus = new NodeStatusManager({
    nodes: client.nodes,
    nodeName,
    ...(plan.cni.when === 'at-start' ? { podCIDR: plan.cni.podCIDR } : {}),
    runtime: o.containerd.runtime,
    runtimeVersion: o.containerd.version,
    kubeletVersion: version,
    kubeletPort: kubeletServer.port,
    dataDir: settings.dataDir,
    logger: log,
    clock: o.clock,
  });
  await nodeStatus.registerNode(signal);
  // the pod subnet: the agent's own, or the one the server allocates
  const node = await nodeStatus.waitForPodCIDR(signal);
  const podCIDR = node.spec?.podCIDR ?? '';
  o.connection.connect(client, node);
  undo.push(async () => o.connection.disconnect());
  if (plan.cni.when === 'after-registration') {
    const paths = containerdPaths(settings.dataDir);
    await writeCniConfig(paths.cniConfDir, { subnet: podCIDR, ipamDataDir: paths.cniIpamDir, bridge });
    if (settings.containerdSocket)
      log.info(
        { confDir: paths.cniConfDir },
        "CNI config written; point the given containerd's cni conf_dir there",
      );
  }
  if (settings.podRoutes !== false) {
    // to the other nodes' pod subnets, through their InternalIPs
    const routes = await startPodRoutes({ client, nodeName, logger: log, signal });
    if (settings.cleanupOnStop) undo.push(() => routes.cleanup());
  }
  const statusLoop = nodeStatus.start(signal);
  undo.push(() => statusLoop.stopped);
  const lease = new NodeLeaseController({
    leases: client.leases,
    nodes: client.nodes,
    nodeName,
    logger: log,
    clock: o.clock,
  });
  const leaseLoop = lease.start(signal);
  undo.push(() => leaseLoop.stopped);

  if (o.servesDNS && o.clusterDNS) {
    // on the gateway every pod routes through; without it pods get the host's DNS
    try {
      const address = await ensureBridgeGateway({ bridge, podCIDR });
      const dns = await startClusterDNS({
        client,
        address,
        domain: o.clusterDNS.domain,
        logger: o.logger.child({ component: 'dns', node: nodeName }),
        signal,
      });
      undo.push(() => dns.stop());
      if (o.clusterDNS.nameservers.length === 0) o.clusterDNS.nameservers.push(dns.address);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cluster DNS not served; pods use the host resolv.conf');
    }
  }
  // the pod network is there: the static pods that waited for it start
  o.gate.open();

  const source = await startApiPodSource(
    { pods: client.pods, nodeName, updates: apiSourceUpdates(o.lifecycle, o.mirrors), logger: log },
    signal,
  );
  o.connection.apiPodsSynced = true;
  undo.push(() => source.stopped);
  if (settings.serviceProxy !== false) {
    // like kube-proxy: rules stay when the agent stops, unless it cleans up after itself
    try {
      const proxier = await startProxier({
        client,
        podCIDR,
        bridge,
        prefix: chainPrefix(bridge, DEFAULT_BRIDGE),
        ...(settings.serviceCIDR ? { serviceCIDR: settings.serviceCIDR } : {}),
        logger: o.logger.child({ component: 'proxy', node: nodeName }),
        signal,
      });
      undo.push(() => proxier.stop({ cleanup: settings.cleanupOnStop === true }));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'service proxy not running; ClusterIPs are not reachable');
    }
  }
  const mirrorLoop = o.mirrors.start(signal);
  undo.push(() => mirrorLoop);
  return { node, client, podCIDR };
}

/** The node token and CA: given, or read from the local API server's files once it wrote them. */
async function credentials(
  plan: CredentialsPlan,
  log: Logger,
  signal: AbortSignal,
): Promise<{ token: string; caCert?: string }> {
  if (plan.from === 'options') return plan;
  for (let logged = false; ; logged = true) {
    signal.throwIfAborted();
    const token = (await readFile(plan.files.token, 'utf8').catch(() => '')).trim();
    const caCert = await readFile(plan.files.caCert, 'utf8').catch(() => '');
    // both complete: the server writes the CA first, then the token
    if (token && caCert.includes('-----END CERTIFICATE-----')) return { token, caCert };
    if (!logged)
      log.info({ files: plan.files }, 'waiting for the local API server to write its node token and CA');
    await sleep(500, undefined, { signal });
  }
}

/** The server's version, which is also this agent's (`nodeInfo.kubeletVersion`); says why it failed. */
async function serverVersion(client: Client, server: string, signal: AbortSignal): Promise<string> {
  try {
    // /version is public: check the token too, with a request only an authenticated node can make
    const { gitVersion } = await client.rest.version(signal);
    await client.nodes.list({ limit: 1, signal });
    return gitVersion;
  } catch (err) {
    if (signal.aborted) throw err;
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
export async function updatePodStatus(
  client: Client,
  pod: Pod,
  status: PodStatus,
  log: Logger,
): Promise<void> {
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
export async function deletePod(client: Client, pod: Pod): Promise<void> {
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
