/**
 * NodeAffinity: hard constraints (`spec.nodeSelector` and required node affinity) filter nodes;
 * preferred terms score them by the sum of matching weights, normalized to 0‥100. Args:
 * `addedAffinity` (a NodeAffinity) is enforced on every pod of the profile, on top of its own.
 */
import type { NodeAffinity as NodeAffinitySpec, Pod } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type PluginFactory,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
  maxNodeScore,
  skip,
  success,
  unresolvable,
} from '../../framework/interface.js';
import { asArgs } from '../helper/args.js';
import {
  NodeSelectorMatcher,
  PreferredSchedulingTerms,
  RequiredNodeAffinity,
  objectNameField,
} from '../helper/node-affinity.js';
import { defaultNormalizeScore } from '../helper/normalize-score.js';

export const name = 'NodeAffinity';
export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const errReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
export const errReasonConflict = 'pod affinity terms conflict';

const preFilterStateKey = `PreFilter${name}`;
const preScoreStateKey = `PreScore${name}`;

export interface NodeAffinityArgs {
  addedAffinity?: NodeAffinitySpec;
}

/**
 * The node names the required terms allow, when every term pins `metadata.name` with `In`
 * (intersected within a term, united across terms); undefined when some term does not.
 */
export function preFilterNodeNames(pod: Pod): Set<string> | undefined {
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== objectNameField || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly addedNodeSelector: NodeSelectorMatcher | undefined;
  private readonly addedPreferred: PreferredSchedulingTerms | undefined;

  constructor(args: NodeAffinityArgs = {}) {
    const added = args.addedAffinity;
    const required = added?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedNodeSelector = required ? new NodeSelectorMatcher(required) : undefined;
    const preferred = added?.preferredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = preferred?.length ? new PreferredSchedulingTerms(preferred) : undefined;
  }

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !this.addedNodeSelector && !pod.spec?.nodeSelector) return { status: skip() };
    state.write(preFilterStateKey, new RequiredNodeAffinity(pod));
    const nodeNames = preFilterNodeNames(pod);
    if (!nodeNames) return { status: success() };
    if (nodeNames.size === 0) return { status: unresolvable(errReasonConflict) };
    return { result: { nodeNames }, status: success() };
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
    if (this.addedNodeSelector && !this.addedNodeSelector.match(node.node))
      return unresolvable(errReasonEnforced);
    const required = state.read<RequiredNodeAffinity>(preFilterStateKey) ?? new RequiredNodeAffinity(pod);
    return required.match(node.node) ? success() : unresolvable(errReasonPod);
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    if (nodes.length === 0) return success();
    const preferred = podPreferred(pod);
    if (!preferred && !this.addedPreferred) return skip();
    if (preferred) state.write(preScoreStateKey, preferred);
    return success();
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): { score: number; status: Status } {
    let count = this.addedPreferred?.score(node.node) ?? 0;
    const preferred = state.read<PreferredSchedulingTerms>(preScoreStateKey) ?? podPreferred(pod);
    if (preferred) count += preferred.score(node.node);
    return { score: count, status: success() };
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(maxNodeScore, false, scores);
    return success();
  }
}

function podPreferred(pod: Pod): PreferredSchedulingTerms | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  return terms?.length ? new PreferredSchedulingTerms(terms) : undefined;
}

/** Args: `{ addedAffinity?: NodeAffinity }`. */
export const nodeAffinityFactory: PluginFactory = (args) => {
  const added = asArgs(args).addedAffinity;
  return new NodeAffinity(added ? { addedAffinity: asArgs(added) as NodeAffinitySpec } : {});
};
