/**
 * Choosing the node to preempt on among the candidates (upstream's pickOneNodeForPreemption):
 * the fewest PDB violations, then the lowest highest-victim priority, then the smallest sum of
 * victim priorities, then the fewest victims, then the latest start among the highest-priority
 * victims; remaining ties go to the first candidate.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podPriority } from '../queue-sort/priority-sort.js';
import { podStartTime } from './select-victims.js';

export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
}

/** Offsets priorities (int32) so that sums of them compare like upstream's. */
const priorityOffset = 2 ** 31;

function earliestStartOfHighestPriority(victims: readonly Pod[], now: number): number {
  const top = Math.max(...victims.map(podPriority));
  return Math.min(...victims.filter((v) => podPriority(v) === top).map((v) => podStartTime(v, now)));
}

/** Keeps the candidates with the smallest (or largest) value of `key`. */
function keepBest(cands: Candidate[], key: (c: Candidate) => number, largest = false): Candidate[] {
  const values = cands.map(key);
  const best = largest ? Math.max(...values) : Math.min(...values);
  return cands.filter((_, i) => values[i] === best);
}

export function pickOneNodeForPreemption(
  candidates: readonly Candidate[],
  now: number = Date.now(),
): Candidate | undefined {
  let cands = [...candidates];
  if (cands.length === 0) return undefined;
  const empty = cands.find((c) => c.victims.length === 0);
  if (empty) return empty;
  cands = keepBest(cands, (c) => c.numPDBViolations);
  cands = keepBest(cands, (c) => podPriority(c.victims[0] as Pod));
  cands = keepBest(cands, (c) => c.victims.reduce((s, v) => s + podPriority(v) + priorityOffset, 0));
  cands = keepBest(cands, (c) => c.victims.length);
  cands = keepBest(cands, (c) => earliestStartOfHighestPriority(c.victims, now), true);
  return cands[0];
}
