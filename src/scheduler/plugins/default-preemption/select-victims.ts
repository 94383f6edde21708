/**
 * Victim selection on one node (upstream's SelectVictimsOnNode), a pure function over a
 * `fits(nodeInfo)` check:
 *
 *   1. remove every pod of lower priority than the preemptor; none → "No preemption victims
 *      found for incoming pod" (unresolvable);
 *   2. if the preemptor still doesn't fit, the node is no candidate (the Filter status);
 *   3. otherwise reprieve as many as possible, most important first — PDB-violating pods
 *      before the others — and the pods that can't be added back are the victims.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { selectorFromLabelSelector } from '../../../apimachinery/labels/index.js';
import { type NodeInfo, type Status, isSuccess, success, unresolvable } from '../../framework/interface.js';
import { newNodeInfo, samePod } from '../../framework/node-info.js';
import { podPriority } from '../queue-sort/priority-sort.js';

export const errNoVictims = 'No preemption victims found for incoming pod';

/** When the pod started (`status.startTime`), or now when it hasn't. */
export const podStartTime = (pod: Pod, now: number): number => {
  const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  return Number.isNaN(t) ? now : t;
};

/** Higher priority first; equal priorities: the one that started earlier. */
export const moreImportantPod = (a: Pod, b: Pod, now: number): boolean => {
  const pa = podPriority(a);
  const pb = podPriority(b);
  return pa !== pb ? pa > pb : podStartTime(a, now) < podStartTime(b, now);
};

const byImportance =
  (now: number) =>
  (a: Pod, b: Pod): number =>
    moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0;

/**
 * Splits pods (order kept) into those whose eviction would exceed a PDB's disruptionsAllowed and
 * the others, spending each matching PDB's budget as it goes.
 */
export function filterPodsWithPDBViolation(
  pods: readonly Pod[],
  pdbs: readonly PodDisruptionBudget[],
): { violating: Pod[]; nonViolating: Pod[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: Pod[] = [];
  const nonViolating: Pod[] = [];
  for (const pod of pods) {
    let violated = false;
    const labels = pod.metadata?.labels ?? {};
    if (Object.keys(labels).length) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata?.namespace !== pod.metadata?.namespace) return;
        let matches: boolean;
        try {
          const selector = selectorFromLabelSelector(pdb.spec?.selector);
          matches = !selector.empty() && selector.matches(labels);
        } catch {
          matches = false;
        }
        if (!matches || Object.hasOwn(pdb.status?.disruptedPods ?? {}, pod.metadata?.name ?? '')) return;
        allowed[i] = (allowed[i] ?? 0) - 1;
        if ((allowed[i] ?? 0) < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

export interface VictimSelection {
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
  status: Status;
}

export function selectVictimsOnNode(
  pod: Pod,
  node: NodeInfo,
  fits: (node: NodeInfo) => Status,
  pdbs: readonly PodDisruptionBudget[] = [],
  now: number = Date.now(),
): VictimSelection {
  const priority = podPriority(pod);
  const pods = node.pods.map((p) => p.pod);
  const potential = pods.filter((p) => podPriority(p) < priority);
  if (potential.length === 0) return { victims: [], numPDBViolations: 0, status: unresolvable(errNoVictims) };
  const remaining = pods.filter((p) => !potential.some((v) => samePod(v, p)));
  const withPods = (n: Node, ps: Pod[]): NodeInfo => newNodeInfo(n, ps);
  const status = fits(withPods(node.node, remaining));
  if (!isSuccess(status)) return { victims: [], numPDBViolations: 0, status };

  potential.sort(byImportance(now));
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
  const victims: Pod[] = [];
  let numPDBViolations = 0;
  const reprieve = (p: Pod): boolean => {
    if (isSuccess(fits(withPods(node.node, [...remaining, p])))) {
      remaining.push(p);
      return true;
    }
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) numPDBViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length && nonViolating.length) victims.sort(byImportance(now));
  return { victims, numPDBViolations, status: success() };
}
