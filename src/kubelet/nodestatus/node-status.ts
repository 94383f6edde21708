/**
 * Node registration and status updates (upstream `pkg/kubelet/kubelet_node_status.go`).
 *
 *   registerNode: create the Node (labels, spec.podCIDR(s) when the agent brings one, a first
 *     status); when it exists already, adopt it: reconcile the default labels, refuse a different
 *     pod CIDR. Retried with a backoff (100 ms doubling to 7 s) until the API answers.
 *   waitForPodCIDR: without a pod CIDR of its own, the node waits for the server's node IPAM
 *     controller to allocate one.
 *   every 10 s (nodeStatusUpdateFrequency): GET the node, run the setters on a copy, and write
 *     `nodes/status` only when something other than heartbeat times changed, or when the last
 *     write is 5 min old (nodeStatusReportFrequency): the Lease is the frequent heartbeat.
 *     Up to 5 attempts per sync (conflicts re-read the node).
 */
import type { Node, NodeStatus } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isConflict } from '../../apimachinery/errors.js';
import type { ResourceClient } from '../../client/resource.js';
import type { Logger } from '../../util/log.js';
import type { Runtime, VersionResponse } from '../container/runtime.js';
import { ociArchitecture } from '../images/image-archive.js';
import { type Clock, realClock } from '../lifecycle.js';
import { readHostInfo, type HostInfo } from './host-info.js';
import * as setters from './setters.js';

export interface NodeStatusOptions {
  nodes: ResourceClient<Node>;
  nodeName: string;
  /** This node's pod subnet, `spec.podCIDR`; none: the server allocates one. */
  podCIDR?: string;
  runtime: Pick<Runtime, 'status' | 'listImages'>;
  runtimeVersion: VersionResponse;
  /** `nodeInfo.kubeletVersion` (the server's version string). */
  kubeletVersion: string;
  /** Reads the host's facts (default: /proc, /etc, statfs of `dataDir`). */
  hostInfo?: () => Promise<HostInfo>;
  dataDir: string;
  logger: Logger;
  clock?: Clock;
  /** default 10 s */
  updateFrequencyMs?: number;
  /** default 5 min */
  reportFrequencyMs?: number;
  maxPods?: number;
  /** `daemonEndpoints.kubeletEndpoint.Port` (default 10250, upstream's). */
  kubeletPort?: number;
}

export class NodePodCIDRMismatchError extends Error {
  readonly code = 'PodCIDRMismatch';
  constructor(node: string, existing: string, wanted: string) {
    super(
      `node ${node} already has spec.podCIDR ${existing}, not ${wanted}: start the agent with ` +
        `--pod-cidr ${existing} or delete the node (kubectl delete node ${node})`,
    );
    this.name = 'NodePodCIDRMismatchError';
  }
}

/** Whether anything but heartbeat times differs (upstream `nodeStatusHasChanged`). */
export function nodeStatusHasChanged(
  original: NodeStatus | undefined,
  next: NodeStatus | undefined,
): boolean {
  const strip = (s: NodeStatus | undefined) => ({
    ...s,
    conditions: [...(s?.conditions ?? [])]
      .map((c) => ({ ...c, lastHeartbeatTime: undefined }))
      .sort((a, b) => a.type.localeCompare(b.type)),
  });
  return canonical(strip(original)) !== canonical(strip(next));
}

/** JSON with sorted keys and undefined dropped, for comparing objects from different sources. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const sleep = (clock: Clock, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = clock.setTimeout(done, ms);
    function done() {
      t.cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export class NodeStatusManager {
  private readonly clock: Clock;
  private lastReport = -Infinity;

  constructor(private readonly o: NodeStatusOptions) {
    this.clock = o.clock ?? realClock;
  }

  private hostInfo(): Promise<HostInfo> {
    return (this.o.hostInfo ?? (() => readHostInfo({ dataDir: this.o.dataDir })))();
  }

  private defaultLabels(host: HostInfo): Record<string, string> {
    const arch = ociArchitecture();
    return {
      'beta.kubernetes.io/arch': arch,
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': arch,
      'kubernetes.io/hostname': host.hostname.toLowerCase(),
      'kubernetes.io/os': 'linux',
    };
  }

  /** The setters in upstream's order: addresses, machine info, version, endpoints, images, conditions. */
  private async setters(host: HostInfo): Promise<setters.Setter[]> {
    const { runtime, runtimeVersion: v } = this.o;
    const runtimeErrors: string[] = [];
    try {
      for (const c of (await runtime.status()).status?.conditions ?? []) {
        if (!c.status && (c.type === 'RuntimeReady' || c.type === 'NetworkReady')) {
          const what =
            c.type === 'RuntimeReady' ? 'container runtime not ready' : 'container runtime network not ready';
          runtimeErrors.push(`${what}: ${c.type}=false reason:${c.reason} message:${c.message}`);
        }
      }
    } catch (err) {
      runtimeErrors.push(`container runtime is down: ${(err as Error).message}`);
    }
    const images = await runtime.listImages().catch(() => []);
    return [
      setters.nodeAddress(host),
      setters.machineInfo(host, this.o.maxPods),
      setters.versionInfo({
        containerRuntimeVersion: `${v.runtime_name}://${v.runtime_version}`,
        kubeletVersion: this.o.kubeletVersion,
        operatingSystem: 'linux',
        architecture: ociArchitecture(),
      }),
      setters.daemonEndpoints(this.o.kubeletPort ?? 10250),
      setters.images(images),
      setters.memoryPressureCondition,
      setters.diskPressureCondition,
      setters.pidPressureCondition,
      setters.readyCondition(() => runtimeErrors),
    ];
  }

  /** Creates the Node, or adopts the existing one; retried until it succeeds or the signal aborts. */
  async registerNode(signal: AbortSignal): Promise<Node> {
    const { nodes, nodeName, podCIDR } = this.o;
    let delay = 100;
    for (;;) {
      signal.throwIfAborted();
      try {
        const host = await this.hostInfo();
        const node: Node = {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: nodeName, labels: this.defaultLabels(host) },
          ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
        };
        for (const set of await this.setters(host)) set(node, this.clock.now());
        try {
          const created = await nodes.create(node, { signal });
          this.o.logger.info({ node: nodeName }, 'successfully registered node');
          return created;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        return await this.adopt(node, signal);
      } catch (err) {
        if (err instanceof NodePodCIDRMismatchError || signal.aborted) throw err;
        this.o.logger.warn(
          { node: nodeName, err: (err as Error).message },
          'unable to register node; retrying',
        );
        await sleep(this.clock, delay, signal);
        delay = Math.min(delay * 2, 7000);
      }
    }
  }

  private async adopt(wanted: Node, signal: AbortSignal): Promise<Node> {
    const existing = await this.o.nodes.get(this.o.nodeName, { signal });
    const current = existing.spec?.podCIDR ?? '';
    const own = this.o.podCIDR;
    if (current && own && current !== own) throw new NodePodCIDRMismatchError(this.o.nodeName, current, own);
    const labels = { ...existing.metadata?.labels, ...wanted.metadata?.labels };
    const setCIDR = !current && own;
    const needsUpdate = setCIDR || canonical(labels) !== canonical(existing.metadata?.labels ?? {});
    const node = needsUpdate
      ? await this.o.nodes.update(
          {
            ...existing,
            metadata: { ...existing.metadata, labels },
            ...(setCIDR ? { spec: { ...existing.spec, podCIDR: own, podCIDRs: [own] } } : {}),
          },
          { signal },
        )
      : existing;
    this.o.logger.info({ node: this.o.nodeName }, 'node was previously registered; adopted it');
    return node;
  }

  /** The node once it has a `spec.podCIDR` (given by the agent, or allocated by the server). */
  async waitForPodCIDR(signal: AbortSignal, pollMs = 500): Promise<Node> {
    let logged = false;
    for (;;) {
      signal.throwIfAborted();
      try {
        const node = await this.o.nodes.get(this.o.nodeName, { signal });
        if (node.spec?.podCIDR) return node;
        if (!logged)
          this.o.logger.info({ node: this.o.nodeName }, 'waiting for the server to allocate a pod CIDR');
        logged = true;
      } catch (err) {
        if (signal.aborted) throw err;
        this.o.logger.warn({ node: this.o.nodeName, err: (err as Error).message }, 'reading the node');
      }
      await sleep(this.clock, pollMs, signal);
    }
  }

  /** One status sync: answers whether it wrote `nodes/status`. */
  async syncNodeStatus(signal?: AbortSignal): Promise<boolean> {
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.tryUpdateNodeStatus(signal);
      } catch (err) {
        last = err;
        if (signal?.aborted) break;
        if (!isConflict(err)) {
          this.o.logger.warn(
            { err: (err as Error).message, attempt },
            'error updating node status; will retry',
          );
        }
      }
    }
    this.o.logger.error({ err: (last as Error | undefined)?.message }, 'unable to update node status');
    return false;
  }

  private async tryUpdateNodeStatus(signal?: AbortSignal): Promise<boolean> {
    const original = await this.o.nodes.get(this.o.nodeName, signal ? { signal } : {});
    const node = structuredClone(original);
    const now = this.clock.now();
    for (const set of await this.setters(await this.hostInfo())) set(node, now);
    const changed = nodeStatusHasChanged(original.status, node.status);
    if (!changed && now.getTime() - this.lastReport < (this.o.reportFrequencyMs ?? 300_000)) return false;
    await this.o.nodes.updateStatus(node, signal ? { signal } : {});
    this.lastReport = now.getTime();
    return true;
  }

  /** Syncs every 10 s until the signal aborts; `stopped` resolves after the last sync. */
  start(signal: AbortSignal): { stopped: Promise<void> } {
    const every = this.o.updateFrequencyMs ?? 10_000;
    const stopped = (async () => {
      while (!signal.aborted) {
        await this.syncNodeStatus(signal);
        await sleep(this.clock, every, signal);
      }
    })();
    return { stopped };
  }
}
