/**
 * Matching pods per topology domain, kept across scheduling cycles. Counting a constraint's
 * pods over every node on every cycle is O(pods in the cluster); instead, each distinct count
 * (namespace, selector, topology key, which nodes are eligible) keeps its per-node contributions
 * and, on the next cycle, recounts only the nodes the snapshot's change log names:
 *
 *   node eligible (has the required keys, passes the inclusion policies)
 *     → domain = its topology value; it adds one node and its matching pods to the domain
 *
 * A domain exists while it has an eligible node (so empty domains count 0, as the global minimum
 * needs). Without a change log (hand-built snapshots) everything is counted from scratch.
 */
import type { Node } from 'kubernetes-types/core/v1.js';

import type { Selector } from '../../../apimachinery/labels/index.js';
import type { NodeInfo, Snapshot } from '../../framework/interface.js';
import { countPodsMatchSelector } from './common.js';

/** What one count is over; `key` must identify every other field (it keys the kept counts). */
export interface CountSpec {
  key: string;
  namespace: string;
  selector: Selector;
  topologyKey: string;
  /** Label keys a node must all have to be counted. */
  requiredKeys: readonly string[];
  /** The constraint's node inclusion policies for the incoming pod. */
  eligible: (node: Node) => boolean;
}

interface Contribution {
  value: string;
  pods: number;
}

function contribution(info: NodeInfo, spec: CountSpec): Contribution | undefined {
  const node = info.node;
  const labels = node.metadata?.labels ?? {};
  for (const k of spec.requiredKeys) if (!Object.hasOwn(labels, k)) return undefined;
  if (!spec.eligible(node)) return undefined;
  return {
    value: labels[spec.topologyKey] ?? '',
    pods: countPodsMatchSelector(info.pods, spec.selector, spec.namespace),
  };
}

class Domains {
  readonly perNode = new Map<string, Contribution>();
  readonly nodes = new Map<string, number>();
  readonly pods = new Map<string, number>();

  constructor(
    public lineage: object | undefined,
    public generation: number,
  ) {}

  add(name: string, c: Contribution): void {
    this.perNode.set(name, c);
    this.nodes.set(c.value, (this.nodes.get(c.value) ?? 0) + 1);
    this.pods.set(c.value, (this.pods.get(c.value) ?? 0) + c.pods);
  }

  remove(name: string): void {
    const c = this.perNode.get(name);
    if (!c) return;
    this.perNode.delete(name);
    const nodes = (this.nodes.get(c.value) ?? 0) - 1;
    if (nodes <= 0) {
      this.nodes.delete(c.value);
      this.pods.delete(c.value);
    } else {
      this.nodes.set(c.value, nodes);
      this.pods.set(c.value, (this.pods.get(c.value) ?? 0) - c.pods);
    }
  }
}

function countAll(allNodes: readonly NodeInfo[], spec: CountSpec, into: Domains): void {
  for (const info of allNodes) {
    const c = contribution(info, spec);
    if (c) into.add(info.node.metadata?.name ?? '', c);
  }
}

/** Counts kept per CountSpec key, the least recently used dropped beyond `capacity`. */
export class DomainCounter {
  private readonly kept = new Map<string, Domains>();

  constructor(private readonly capacity = 64) {}

  /**
   * Topology value → matching pods over the domains of eligible nodes (a Map the caller owns).
   * `allNodes` must be `snapshot.nodeInfos()` for the kept counts to be used.
   */
  count(snapshot: Snapshot | undefined, allNodes: readonly NodeInfo[], spec: CountSpec): Map<string, number> {
    const changes = snapshot?.changes;
    if (!changes || snapshot.nodeInfos() !== allNodes) {
      const fresh = new Domains(undefined, 0);
      countAll(allNodes, spec, fresh);
      return fresh.pods;
    }
    let d = this.kept.get(spec.key);
    this.kept.delete(spec.key);
    const changed = d?.lineage === changes.lineage ? changes.since(d.generation) : undefined;
    if (!d || !changed) {
      d = new Domains(changes.lineage, changes.generation);
      countAll(allNodes, spec, d);
    } else {
      for (const name of changed) {
        d.remove(name);
        const info = snapshot.get(name);
        const c = info && contribution(info, spec);
        if (c) d.add(name, c);
      }
      d.generation = changes.generation;
    }
    this.kept.set(spec.key, d);
    if (this.kept.size > this.capacity) {
      const oldest = this.kept.keys().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
    return new Map(d.pods);
  }
}
