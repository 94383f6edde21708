/**
 * A pod's QoS class (upstream's `qos.ComputePodQOS`), from the cpu and memory requests and limits
 * of its regular and init containers: BestEffort with none, Guaranteed when every container
 * limits both and requests equal limits, Burstable otherwise.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { type Quantity, tryParseQuantity } from '../../../apimachinery/quantity.js';

export type PodQOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

const QOS_RESOURCES = new Set(['cpu', 'memory']);

function addPositive(
  into: Map<string, Quantity>,
  list: Record<string, string> | undefined,
  found?: Set<string>,
): void {
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.has(name)) continue;
    const q = tryParseQuantity(raw);
    if (!q || q.sign() <= 0) continue;
    found?.add(name);
    const prev = into.get(name);
    into.set(name, prev ? prev.add(q) : q);
  }
}

export function computePodQOS(pod: Pod): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    // Requests default to limits: count them even if defaulting has not run yet.
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    addPositive(requests, req);
    const found = new Set<string>();
    addPositive(limits, c.resources?.limits, found);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
