/**
 * InterPodAffinity: places pods relative to other pods. Required podAffinity and
 * podAntiAffinity terms (of the incoming pod, and existing pods' anti-affinity) filter nodes
 * (PreFilter → Filter); preferred terms of both sides, and existing pods' required affinity
 * weighted by hardPodAffinityWeight, score them (PreScore → Score → NormalizeScore).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

import { FieldPath, fieldErrorMessage, invalid } from '../../../apimachinery/validation/field.js';
import {
  type CycleState,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type NodeScore,
  type PluginFactory,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
  error,
  skip,
  success,
  unresolvable,
} from '../../framework/interface.js';
import { type NamespaceLister, namespaceListerOf } from './affinity-term.js';
import {
  type PreFilterState,
  calPreFilterState,
  filterNode,
  nothingToFilter,
  stateWithPod,
} from './filtering.js';
import {
  type PreScoreState,
  type ScoringArgs,
  calPreScoreState,
  normalizeScores,
  scoreNode,
} from './scoring.js';

export {
  errReasonAffinityRulesNotMatch,
  errReasonAntiAffinityRulesNotMatch,
  errReasonExistingAntiAffinityRulesNotMatch,
} from './filtering.js';
export type { NamespaceLister } from './affinity-term.js';

export const name = 'InterPodAffinity';
export const preFilterStateKey = `PreFilter${name}`;
export const preScoreStateKey = `PreScore${name}`;

export interface InterPodAffinityArgs {
  /** Weight of an existing pod's required affinity term matching the incoming pod, in [0, 100]; 1 by default. */
  hardPodAffinityWeight?: number;
  /** Skip scoring existing pods' terms when the incoming pod has no preferred terms; false by default. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly namespaces: NamespaceLister | undefined;

  constructor(
    private readonly handle: Handle,
    private readonly args: ScoringArgs,
  ) {
    this.namespaces = namespaceListerOf(handle.lister);
  }

  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    let s: PreFilterState;
    try {
      const snapshot = this.handle.snapshot();
      const withAnti =
        snapshot.nodeInfos() === nodes ? snapshot.havePodsWithRequiredAntiAffinity?.() : undefined;
      s = calPreFilterState(pod, nodes, this.namespaces, withAnti);
    } catch (e) {
      return { status: unresolvable(`parsing pod: ${message(e)}`) };
    }
    // Written even when skipping, so a Filter call admits every node.
    state.write(preFilterStateKey, s);
    return { status: nothingToFilter(s) ? skip() : success() };
  }

  addPod(state: CycleState, pod: Pod, podToAdd: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s) return error(`reading ${JSON.stringify(preFilterStateKey)} from cycleState: not found`);
    state.write(preFilterStateKey, stateWithPod(s, pod, podToAdd, nodeInfo.node));
    return success();
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s) return error(`reading ${JSON.stringify(preFilterStateKey)} from cycleState: not found`);
    return filterNode(s, pod, node);
  }

  preScore(state: CycleState, pod: Pod, _nodes: NodeInfo[]): Status {
    let s: PreScoreState | undefined;
    try {
      const snapshot = this.handle.snapshot();
      s = calPreScoreState(
        pod,
        snapshot.nodeInfos(),
        this.args,
        this.namespaces,
        snapshot.havePodsWithAffinity?.(),
      );
    } catch (e) {
      return error(`failed to parse pod: ${message(e)}`);
    }
    if (!s) return skip();
    state.write(preScoreStateKey, s);
    return success();
  }

  score(state: CycleState, _pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s)
      return {
        score: 0,
        status: error(`reading ${JSON.stringify(preScoreStateKey)} from cycleState: not found`),
      };
    return { score: scoreNode(s, node), status: success() };
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s) return error(`reading ${JSON.stringify(preScoreStateKey)} from cycleState: not found`);
    normalizeScores(s, scores);
    return success();
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Defaults and validates the args (as upstream's ValidateInterPodAffinityArgs); throws on invalid ones. */
export function resolveArgs(raw: unknown): ScoringArgs {
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    throw new Error(`InterPodAffinity: want args to be an object, got ${typeof raw}`);
  }
  const args: Record<string, unknown> = raw ?? {};
  const weight = args.hardPodAffinityWeight ?? 1;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    const e = invalid(FieldPath.root('hardPodAffinityWeight'), weight, 'not in valid range [0, 100]');
    throw new Error(`InterPodAffinity: invalid args: ${fieldErrorMessage(e)}`);
  }
  const ignore = args.ignorePreferredTermsOfExistingPods ?? false;
  if (typeof ignore !== 'boolean') {
    throw new Error('InterPodAffinity: invalid args: ignorePreferredTermsOfExistingPods: must be a boolean');
  }
  return { hardPodAffinityWeight: weight, ignorePreferredTermsOfExistingPods: ignore };
}

/** Args: `{ hardPodAffinityWeight?: number, ignorePreferredTermsOfExistingPods?: boolean }`. */
export const interPodAffinityFactory: PluginFactory = (args, handle) =>
  new InterPodAffinity(handle, resolveArgs(args));
