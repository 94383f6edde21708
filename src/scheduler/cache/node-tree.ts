/**
 * The order the scheduler walks nodes in (upstream's nodeTree): nodes grouped by zone
 * (region + zone labels), zones in the order first seen, then one node of each zone in turn, so
 * that a search that stops early still spreads over zones.
 */
import type { Node } from 'kubernetes-types/core/v1.js';

const labelRegion = 'topology.kubernetes.io/region';
const labelZone = 'topology.kubernetes.io/zone';

export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels[labelRegion] ?? '';
  const zone = labels[labelZone] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

/** Node names in nodeTree order; `names` in the order nodes were added. */
export function interleaveByZone(names: readonly string[], zoneOf: (name: string) => string): string[] {
  const zones = new Map<string, string[]>();
  for (const n of names) {
    const z = zoneOf(n);
    const list = zones.get(z);
    if (list) list.push(n);
    else zones.set(z, [n]);
  }
  const lists = [...zones.values()];
  const out: string[] = [];
  for (let i = 0; out.length < names.length; i++) {
    for (const l of lists) {
      const n = l[i];
      if (n !== undefined) out.push(n);
    }
  }
  return out;
}
