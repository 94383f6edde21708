/**
 * The node's heartbeat (upstream `pkg/kubelet/nodelease` → component-helpers' lease controller):
 * the Lease `kube-node-lease/<node>` with holderIdentity = node name, leaseDurationSeconds 40 and
 * an ownerReference to the Node (so it goes when the node is deleted), renewed every 10 s
 * (a quarter of the duration).
 *
 *   sync: have a lease from the last round? → update its renewTime (one PUT)
 *         else, or when that failed → ensure: GET, or CREATE when missing (backoff 200 ms
 *         doubling to 7 s) → update, up to 5 attempts (a conflict re-reads the lease)
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound } from '../../apimachinery/errors.js';
import type { ResourceClient } from '../../client/resource.js';
import type { Logger } from '../../util/log.js';
import { type Clock, realClock } from '../lifecycle.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const DEFAULT_LEASE_DURATION_SECONDS = 40;
const MAX_UPDATE_RETRIES = 5;
const MAX_BACKOFF_MS = 7000;

export interface NodeLeaseOptions {
  leases: ResourceClient<Lease>;
  nodes: Pick<ResourceClient<Node>, 'get'>;
  nodeName: string;
  logger: Logger;
  clock?: Clock;
  /** default 40 */
  leaseDurationSeconds?: number;
  /** default: a quarter of the duration (10 s) */
  renewIntervalMs?: number;
}

/** MicroTime: RFC 3339 with microseconds, as the API's `renewTime` uses. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class NodeLeaseController {
  private readonly clock: Clock;
  private readonly duration: number;
  private latest: Lease | undefined;

  constructor(private readonly o: NodeLeaseOptions) {
    this.clock = o.clock ?? realClock;
    this.duration = o.leaseDurationSeconds ?? DEFAULT_LEASE_DURATION_SECONDS;
  }

  /** Renews now, then every renew interval until the signal aborts. */
  start(signal: AbortSignal): { stopped: Promise<void> } {
    const every = this.o.renewIntervalMs ?? (this.duration * 1000) / 4;
    const stopped = (async () => {
      while (!signal.aborted) {
        await this.sync(signal).catch((err: unknown) => {
          if (!signal.aborted)
            this.o.logger.error({ err: (err as Error).message }, 'failed to renew node lease');
        });
        await this.sleep(every, signal);
      }
    })();
    return { stopped };
  }

  /** One renewal (upstream controller.sync). */
  async sync(signal?: AbortSignal): Promise<Lease> {
    if (this.latest) {
      try {
        return (this.latest = await this.o.leases.update(await this.renewed(this.latest), opt(signal)));
      } catch (err) {
        this.o.logger.info(
          { err: (err as Error).message },
          'failed to update lease using the latest one; re-reading',
        );
      }
    }
    let lease = await this.ensureLease(signal);
    for (let attempt = 1; ; attempt++) {
      try {
        return (this.latest = await this.o.leases.update(await this.renewed(lease), opt(signal)));
      } catch (err) {
        if (attempt >= MAX_UPDATE_RETRIES || signal?.aborted) throw err;
        this.o.logger.warn({ err: (err as Error).message, attempt }, 'failed to update lease; retrying');
        if (isConflict(err)) lease = await this.ensureLease(signal);
      }
    }
  }

  /** GET the lease, or CREATE it; retried with a backoff until it works or the signal aborts. */
  private async ensureLease(signal?: AbortSignal): Promise<Lease> {
    let delay = 200;
    for (;;) {
      signal?.throwIfAborted();
      try {
        return await this.o.leases.get(this.o.nodeName, { namespace: NODE_LEASE_NAMESPACE, ...opt(signal) });
      } catch (getErr) {
        let err = getErr;
        if (isNotFound(err)) {
          try {
            return await this.o.leases.create(await this.renewed(this.newLease()), opt(signal));
          } catch (createErr) {
            err = createErr;
          }
        }
        this.o.logger.warn({ err: (err as Error).message }, 'failed to ensure node lease exists; will retry');
      }
      await this.sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
  }

  private newLease(): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.o.nodeName, namespace: NODE_LEASE_NAMESPACE },
      spec: { holderIdentity: this.o.nodeName, leaseDurationSeconds: this.duration },
    };
  }

  /** The lease with renewTime = now, and the owner reference to the Node once its uid is known. */
  private async renewed(base: Lease): Promise<Lease> {
    const lease = structuredClone(base);
    lease.spec = {
      ...lease.spec,
      holderIdentity: this.o.nodeName,
      leaseDurationSeconds: this.duration,
      renewTime: microTime(this.clock.now()),
    };
    if (!lease.metadata?.ownerReferences?.length) {
      const node = await this.o.nodes.get(this.o.nodeName).catch(() => undefined);
      const uid = node?.metadata?.uid;
      if (uid) {
        lease.metadata = {
          ...lease.metadata,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid }],
        };
      } else {
        this.o.logger.info({ node: this.o.nodeName }, 'node not found yet; lease has no owner reference');
      }
    }
    return lease;
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = this.clock.setTimeout(done, ms);
      function done() {
        t.cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

const opt = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
