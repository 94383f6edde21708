/**
 * Upstream's helper.DefaultNormalizeScore: scales scores so the highest becomes `maxPriority`
 * (integer arithmetic, truncating), optionally reversed (`maxPriority - score`) for plugins
 * whose raw score counts something bad. All-zero scores stay 0, or become `maxPriority` when
 * reversed.
 */
import type { NodeScore } from '../../framework/interface.js';

export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  const maxCount = scores.reduce((m, s) => Math.max(m, s.score), 0);
  if (maxCount === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxPriority * s.score) / maxCount);
    s.score = reverse ? maxPriority - scaled : scaled;
  }
}
