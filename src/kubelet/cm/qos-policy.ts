/**
 * OOM score adjustment per QoS class (upstream `pkg/kubelet/qos/policy.go`): the kernel kills the
 * process with the highest badness first, so BestEffort containers go first (1000), Guaranteed
 * ones and node-critical pods last (-997), and a Burstable container in between, lower the more
 * memory it requests relative to the node (2…999). A sidecar (restartable init container) never
 * scores above the regular containers of its pod, so it outlives them.
 *
 * On these nodes containerd runs with `restrict_oom_score_adj` (no CAP_SYS_RESOURCE: see
 * shared/cri/FACTS.md), which raises any value below containerd's own score to that score: a
 * Guaranteed container ends up with containerd's value (usually 0), not -997.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { computePodQOS, type PodQOSClass } from '../../apis/core/helper/qos.js';
import { tryParseQuantity } from '../../apimachinery/quantity.js';

export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BESTEFFORT_OOM_SCORE_ADJ = 1000;
/** What the kubelet itself and the runtime get (not applied by Cairn; for reference). */
export const KUBELET_OOM_SCORE_ADJ = -999;

const SYSTEM_NODE_CRITICAL = 'system-node-critical';

/** The pod's QoS class: the one the API server recorded, else computed from the spec. */
export const podQOSClass = (pod: Pod): PodQOSClass => {
  const recorded = pod.status?.qosClass;
  return recorded === 'Guaranteed' || recorded === 'Burstable' || recorded === 'BestEffort'
    ? recorded
    : computePodQOS(pod);
};

const memoryRequest = (c: Container): bigint => {
  const raw = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
  return tryParseQuantity(raw)?.value() ?? 0n;
};

/** 1000 − 1000·request/capacity, integer arithmetic as upstream. */
const scoreFor = (request: bigint, capacity: bigint): bigint =>
  capacity > 0n ? 1000n - (1000n * request) / capacity : 1000n;

const isSidecar = (pod: Pod, container: Container): boolean =>
  container.restartPolicy === 'Always' &&
  (pod.spec?.initContainers ?? []).some((c) => c.name === container.name);

export function getContainerOOMScoreAdjust(pod: Pod, container: Container, memoryCapacity: number): number {
  if (pod.spec?.priorityClassName === SYSTEM_NODE_CRITICAL) return GUARANTEED_OOM_SCORE_ADJ;
  switch (podQOSClass(pod)) {
    case 'Guaranteed':
      return GUARANTEED_OOM_SCORE_ADJ;
    case 'BestEffort':
      return BESTEFFORT_OOM_SCORE_ADJ;
    case 'Burstable':
      break;
  }
  const capacity = BigInt(Math.max(0, Math.floor(memoryCapacity)));
  let score = scoreFor(memoryRequest(container), capacity);
  if (isSidecar(pod, container)) {
    const regular = pod.spec?.containers ?? [];
    if (regular.length > 0) {
      const minRequest = regular.map(memoryRequest).reduce((a, b) => (b < a ? b : a));
      const regularScore = scoreFor(minRequest, capacity);
      if (score > regularScore) score = regularScore;
    }
  }
  // a Burstable container scores above any Guaranteed one, and below a BestEffort one
  const floor = BigInt(1000 + GUARANTEED_OOM_SCORE_ADJ);
  if (score < floor) return Number(floor);
  if (score >= BigInt(BESTEFFORT_OOM_SCORE_ADJ)) return BESTEFFORT_OOM_SCORE_ADJ - 1;
  return Number(score);
}
