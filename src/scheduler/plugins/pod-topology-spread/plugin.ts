/**
 * PodTopologySpread: spreads pods that match a label selector evenly over topology domains
 * (zones, hosts, …). DoNotSchedule constraints filter nodes (PreFilter → Filter);
 * ScheduleAnyway constraints score them (PreScore → Score → NormalizeScore). Pods without
 * constraints of their own get the cluster-level defaults, selecting the pods of their
 * Services and controller.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

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
  type Snapshot,
  type Status,
  error,
  skip,
  success,
} from '../../framework/interface.js';
import { resolveDefaultConstraints } from './args.js';
import { type SpreadDefaults, name } from './common.js';
import { DomainCounter } from './domain-counts.js';
import {
  type PreFilterState,
  calPreFilterState,
  filterNode,
  preFilterStateKey,
  stateWithPod,
} from './filtering.js';
import {
  type PreScoreState,
  calPreScoreState,
  normalizeScores,
  preScoreStateKey,
  scoreNode,
} from './scoring.js';

export { type PodTopologySpreadArgs, systemDefaultConstraints } from './args.js';
export { errReasonConstraintsNotMatch, errReasonNodeLabelNotMatch, name } from './common.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;
  /** Matching pods per domain, kept across cycles (PreFilter and PreScore share it). */
  private readonly counter = new DomainCounter();

  constructor(
    private readonly handle: Handle,
    private readonly defaults: SpreadDefaults,
  ) {}

  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    let s: PreFilterState;
    try {
      s = calPreFilterState(pod, nodes, this.defaults, this.countSource());
    } catch (e) {
      return { status: error(`obtaining pod's hard topology spread constraints: ${message(e)}`) };
    }
    // Written even when skipping, so a Filter call without constraints admits every node.
    state.write(preFilterStateKey, s);
    return { status: s.constraints.length === 0 ? skip() : success() };
  }

  private countSource(): { counter: DomainCounter; snapshot: Snapshot } {
    return { counter: this.counter, snapshot: this.handle.snapshot() };
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

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    let s: PreScoreState | undefined;
    try {
      const source = this.countSource();
      s = calPreScoreState(pod, nodes, source.snapshot.nodeInfos(), this.defaults, source);
    } catch (e) {
      return error(`calculating preScoreState: ${message(e)}`);
    }
    if (!s) return skip();
    state.write(preScoreStateKey, s);
    return success();
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s)
      return {
        score: 0,
        status: error(`reading ${JSON.stringify(preScoreStateKey)} from cycleState: not found`),
      };
    return { score: scoreNode(s, pod, node), status: success() };
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s) return error(`reading ${JSON.stringify(preScoreStateKey)} from cycleState: not found`);
    normalizeScores(s, scores);
    return success();
  }
}

/** Args: `{ defaultingType?: 'System' | 'List', defaultConstraints?: TopologySpreadConstraint[] }`; throws on invalid ones. */
export const podTopologySpreadFactory: PluginFactory = (args, handle) => {
  const { constraints, systemDefaulted } = resolveDefaultConstraints(args);
  return new PodTopologySpread(handle, { constraints, systemDefaulted, lister: handle.lister });
};
