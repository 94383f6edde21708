/**
 * Node IPAM controller (kube-controller-manager's `--allocate-node-cidrs`, range allocator):
 * every Node gets a pod subnet of the cluster CIDR in `spec.podCIDR(s)`, which its agent uses for
 * its pods and the other agents route to it. Subnets a node brought itself (`--pod-cidr`) are
 * marked taken; a deleted node's subnet is freed.
 *
 *   list nodes → mark their subnets taken → watch: a node without one gets the next free one
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../apimachinery/errors.js';
import type { Api } from '../../apiserver/api.js';
import type { Logger } from '../../util/log.js';
import { runWatch } from '../watch-loop.js';
import { CidrSet } from './cidr-set.js';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;

export interface NodeIpamControllerOptions {
  api: Api;
  logger: Logger;
  /** default 10.244.0.0/16 */
  clusterCIDR?: string;
  /** default 24 */
  nodeCIDRMaskSize?: number;
}

export class NodeIpamController {
  private readonly cidrs: CidrSet;

  constructor(private readonly o: NodeIpamControllerOptions) {
    this.cidrs = new CidrSet(
      o.clusterCIDR ?? DEFAULT_CLUSTER_CIDR,
      o.nodeCIDRMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE,
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    const nodes = this.o.api.registry('', 'v1', 'nodes');
    for (const node of (await nodes.list('')).items as Node[]) this.occupy(node);
    await runWatch(nodes, signal, this.o.logger, (e) => {
      const node = e.object as Node;
      if (e.type === 'DELETED') {
        for (const cidr of podCIDRs(node)) this.cidrs.release(cidr);
      } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
        if (podCIDRs(node).length) this.occupy(node);
        else if (!node.metadata?.deletionTimestamp) void this.allocate(node.metadata?.name ?? '');
      }
    });
  }

  private occupy(node: Node): void {
    for (const cidr of podCIDRs(node)) {
      if (!this.cidrs.occupy(cidr))
        this.o.logger.debug({ node: node.metadata?.name, cidr }, 'pod CIDR outside the cluster CIDR');
    }
  }

  private readonly allocating = new Set<string>();

  private async allocate(name: string): Promise<void> {
    if (this.allocating.has(name)) return;
    const cidr = this.cidrs.allocateNext();
    if (!cidr) {
      this.o.logger.warn({ node: name, clusterCIDR: this.cidrs.clusterCIDR }, 'CIDRNotAvailable');
      return;
    }
    this.allocating.add(name);
    try {
      let kept = cidr;
      await this.o.api.registry('', 'v1', 'nodes').guaranteedUpdate('', name, (current) => {
        const node = current as Node;
        const own = podCIDRs(node);
        if (own.length) {
          kept = own[0] ?? '';
          return node;
        }
        kept = cidr;
        return { ...node, spec: { ...node.spec, podCIDR: cidr, podCIDRs: [cidr] } };
      });
      if (kept !== cidr) this.cidrs.release(cidr);
      else this.o.logger.info({ node: name, podCIDR: cidr }, 'pod CIDR allocated');
    } catch (err) {
      this.cidrs.release(cidr);
      if (!isNotFound(err)) this.o.logger.warn({ node: name, err: String(err) }, 'CIDRAssignmentFailed');
    } finally {
      this.allocating.delete(name);
    }
  }
}

const podCIDRs = (node: Node): string[] =>
  node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
