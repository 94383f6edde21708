/**
 * TaintToleration: a node's NoSchedule and NoExecute taints keep off pods that don't tolerate
 * them (Filter, unresolvable); PreferNoSchedule taints the pod doesn't tolerate count against the
 * node (Score = their number, reverse-normalized so the fewest get 100).
 */
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type PluginFactory,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
  maxNodeScore,
  success,
  unresolvable,
} from '../../framework/interface.js';
import { defaultNormalizeScore } from '../helper/normalize-score.js';
import {
  doNotScheduleTaints,
  findMatchingUntoleratedTaint,
  tolerationsTolerateTaint,
} from '../helper/taints.js';

export const name = 'TaintToleration';
const preScoreStateKey = `PreScore${name}`;

/** The Filter reason for an untolerated taint, e.g. `node(s) had untolerated taint {dedicated: gpu}`. */
export const untoleratedTaintReason = (t: Taint): string =>
  `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

/** Tolerations that can tolerate PreferNoSchedule taints (that effect, or any effect). */
const preferNoScheduleTolerations = (tolerations: readonly Toleration[] | undefined): Toleration[] =>
  (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');

export const countIntolerableTaintsPreferNoSchedule = (
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[],
): number =>
  (taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t))
    .length;

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    const taint = findMatchingUntoleratedTaint(
      node.node.spec?.taints,
      pod.spec?.tolerations,
      doNotScheduleTaints,
    );
    return taint ? unresolvable(untoleratedTaintReason(taint)) : success();
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    if (nodes.length > 0) state.write(preScoreStateKey, preferNoScheduleTolerations(pod.spec?.tolerations));
    return success();
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const tolerations =
      state.read<Toleration[]>(preScoreStateKey) ?? preferNoScheduleTolerations(pod.spec?.tolerations);
    return {
      score: countIntolerableTaintsPreferNoSchedule(node.node.spec?.taints, tolerations),
      status: success(),
    };
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(maxNodeScore, true, scores);
    return success();
  }
}

export const taintTolerationFactory: PluginFactory = () => new TaintToleration();
