/**
 * The framework of one profile (upstream's frameworkImpl): instantiates the enabled plugins from
 * the registry with their pluginConfig args, orders them per extension point and runs them.
 *
 *   PreFilter: Skip → the plugin's Filter is skipped; results' node sets are intersected;
 *              UnschedulableAndUnresolvable stops at once, Unschedulable after all ran.
 *   Filter:    first non-success per node wins; with nominated pods on the node (of equal or
 *              higher priority) twice: with them (PreFilter states updated through AddPod),
 *              then, if that passed, without them.
 *   Score:     per plugin, normalize, × weight.
 *   Reserve:   on failure every Reserve plugin's Unreserve runs, in reverse order.
 *   Bind:      the first plugin not answering Skip binds.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PluginConfig, Profile } from '../apis/config/types.js';
import { FrameworkConfigError, enabledPluginNames, pluginsForPoint, scoreWeights } from './expand-plugins.js';
import { type QueueSortPlugin, isQueueSort } from './extensions.js';
import * as fw from './interface.js';
import { newNodeInfo } from './node-info.js';
import { type NodePluginScores, runScorePlugins } from './score.js';
import { asErrorStatus, isRejected, statusMessage, withPlugin } from './status.js';

type CycleState = fw.CycleState;
type NodeInfo = fw.NodeInfo;
type Status = fw.Status;

export interface PreFilterOutcome {
  result?: fw.PreFilterResult;
  status: Status;
  /** Plugins that rejected the pod or narrowed the nodes (upstream's UnschedulablePlugins). */
  plugins: Set<string>;
}

/** Pods nominated to run on a node (the queue's nominator). */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): readonly Pod[];
  /** True when no pod is nominated anywhere (lets Filter skip the per-node lookup). */
  isEmpty?(): boolean;
}

export interface FrameworkOptions {
  profile: Profile;
  registry: Readonly<Record<string, fw.PluginFactory>>;
  handle: fw.Handle;
  /** Default: no pod is nominated anywhere. */
  nominator?: PodNominator;
  /** How a NodeInfo with nominated pods added is built (the cache's builder). */
  newNodeInfo?: (node: fw.NodeInfo['node'], pods: Pod[]) => NodeInfo;
}

const priorityOf = (pod: Pod): number => pod.spec?.priority ?? 0;
const uidOf = (pod: Pod): string => pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;

const argsFor = (config: readonly PluginConfig[], name: string): unknown =>
  config.find((c) => c.name === name)?.args;

export class Framework {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly queueSort: QueueSortPlugin;
  private readonly preFilters: fw.PreFilterPlugin[];
  private readonly filters: fw.FilterPlugin[];
  private readonly postFilters: fw.PostFilterPlugin[];
  private readonly preScores: fw.PreScorePlugin[];
  private readonly scores: fw.ScorePlugin[];
  private readonly reserves: fw.ReservePlugin[];
  private readonly binders: fw.BindPlugin[];
  private readonly weights: Map<string, number>;
  private readonly nominator: PodNominator | undefined;
  private readonly newNodeInfo: NonNullable<FrameworkOptions['newNodeInfo']>;

  constructor(o: FrameworkOptions) {
    this.nominator = o.nominator;
    this.newNodeInfo = o.newNodeInfo ?? newNodeInfo;
    const { profile } = o;
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const instances = new Map<string, fw.Plugin>();
    for (const name of enabledPluginNames(profile.plugins)) {
      const factory = o.registry[name];
      if (!factory) continue; // validated earlier: a known no-op plugin
      try {
        instances.set(name, factory(argsFor(profile.pluginConfig, name), o.handle));
      } catch (err) {
        throw new FrameworkConfigError(`initializing plugin "${name}": ${(err as Error).message}`);
      }
    }
    const at = <T extends fw.Plugin>(
      point: Parameters<typeof pluginsForPoint>[1],
      is: (p: fw.Plugin) => p is T,
    ): T[] => pluginsForPoint(profile.plugins, point, instances, is).map((n) => instances.get(n) as T);
    const queueSorts = at('queueSort', isQueueSort);
    const queueSort = queueSorts[0];
    if (queueSorts.length !== 1 || !queueSort) {
      throw new FrameworkConfigError(
        `one queue sort plugin required for profile with scheduler name "${this.profileName}"`,
      );
    }
    this.queueSort = queueSort;
    this.preFilters = at('preFilter', fw.isPreFilter);
    this.filters = at('filter', fw.isFilter);
    this.postFilters = at('postFilter', fw.isPostFilter);
    this.preScores = at('preScore', fw.isPreScore);
    this.scores = at('score', fw.isScore);
    this.reserves = at('reserve', fw.isReserve);
    this.binders = at('bind', fw.isBind);
    if (!this.binders.length) {
      throw new FrameworkConfigError(
        `at least one bind plugin is needed for profile with scheduler name "${this.profileName}"`,
      );
    }
    this.weights = scoreWeights(
      profile.plugins,
      this.scores.map((p) => p.name),
    );
  }

  /** Plugin names per extension point, for logs and tests. */
  listPlugins(): Record<string, string[]> {
    const names = (ps: fw.Plugin[]) => ps.map((p) => p.name);
    return {
      queueSort: [this.queueSort.name],
      preFilter: names(this.preFilters),
      filter: names(this.filters),
      postFilter: names(this.postFilters),
      preScore: names(this.preScores),
      score: this.scores.map((p) => `${p.name}:${this.weights.get(p.name) ?? 1}`),
      reserve: names(this.reserves),
      bind: names(this.binders),
    };
  }

  hasFilterPlugins(): boolean {
    return this.filters.length > 0;
  }

  hasPostFilterPlugins(): boolean {
    return this.postFilters.length > 0;
  }

  runPreFilterPlugins(state: CycleState, pod: Pod, nodes: NodeInfo[]): PreFilterOutcome {
    let result: Set<string> | undefined;
    const withNodes: string[] = [];
    let rejected: Status | undefined;
    state.skipFilterPlugins = new Set();
    for (const pl of this.preFilters) {
      let out: { result?: fw.PreFilterResult; status: Status };
      try {
        out = pl.preFilter(state, pod, nodes);
      } catch (err) {
        return { status: asErrorStatus(err, pl.name), plugins: new Set() };
      }
      const s = out.status;
      if (s.code === 'Skip') {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (s.code === 'UnschedulableAndUnresolvable')
        return { status: withPlugin(s, pl.name), plugins: new Set([pl.name]) };
      if (s.code === 'Unschedulable') {
        rejected = withPlugin(s, pl.name);
        continue;
      }
      if (s.code === 'Error') {
        const msg = `running PreFilter plugin "${pl.name}": ${statusMessage(s)}`;
        return { status: { code: 'Error', reasons: [msg], plugin: pl.name }, plugins: new Set() };
      }
      const names = out.result?.nodeNames;
      if (!names) continue;
      withNodes.push(pl.name);
      result = result ? new Set([...result].filter((n) => names.has(n))) : new Set(names);
      if (result.size === 0) {
        const sorted = [...withNodes].sort();
        const reason =
          sorted.length === 1
            ? `node(s) didn't satisfy plugin ${sorted[0]}`
            : `node(s) didn't satisfy plugin(s) [${sorted.join(' ')}] simultaneously`;
        return {
          result: { nodeNames: result },
          status: fw.unresolvable(reason),
          plugins: new Set(withNodes),
        };
      }
    }
    if (rejected) return { status: rejected, plugins: new Set([rejected.plugin ?? '']) };
    return {
      ...(result ? { result: { nodeNames: result } } : {}),
      status: fw.success(),
      plugins: new Set(withNodes),
    };
  }

  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo): Status {
    for (const pl of this.filters) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      let s: Status;
      try {
        s = pl.filter(state, pod, node);
      } catch (err) {
        return asErrorStatus(err, pl.name);
      }
      if (s.code === 'Success' || s.code === 'Skip') continue;
      if (!isRejected(s)) {
        return {
          code: 'Error',
          reasons: [`running "${pl.name}" filter plugin: ${statusMessage(s)}`],
          plugin: pl.name,
        };
      }
      return withPlugin(s, pl.name);
    }
    return fw.success();
  }

  /**
   * Filter with the node's nominated pods of equal or higher priority counted (upstream's
   * RunFilterPluginsWithNominatedPods): they must fit next to the pod, and, since they may end
   * up elsewhere, the pod must also fit without them (pod affinity to one of them, say).
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const withNominated = this.addNominatedPods(state, pod, node);
    if (!withNominated) return this.runFilterPlugins(state, pod, node);
    if ('error' in withNominated) return withNominated.error;
    const s = this.runFilterPlugins(withNominated.state, pod, withNominated.node);
    if (s.code !== 'Success') return s;
    return this.runFilterPlugins(state, pod, node);
  }

  /** The node and state with the nominated pods added; undefined when none is added. */
  private addNominatedPods(
    state: CycleState,
    pod: Pod,
    node: NodeInfo,
  ): { state: CycleState; node: NodeInfo } | { error: Status } | undefined {
    if (!this.nominator || this.nominator.isEmpty?.()) return undefined;
    const candidates = this.nominator.nominatedPodsForNode(node.node.metadata?.name ?? '');
    if (!candidates?.length) return undefined;
    const uid = uidOf(pod);
    const nominated = candidates.filter((p) => priorityOf(p) >= priorityOf(pod) && uidOf(p) !== uid);
    if (!nominated.length) return undefined;
    const stateOut = state.clone();
    const pods = node.pods.map((p) => p.pod);
    let nodeOut = node;
    for (const p of nominated) {
      pods.push(p);
      nodeOut = this.newNodeInfo(node.node, pods);
      for (const pl of this.preFilters) {
        if (!pl.addPod || stateOut.skipFilterPlugins.has(pl.name)) continue;
        let s: Status;
        try {
          s = pl.addPod(stateOut, pod, p, nodeOut);
        } catch (err) {
          s = asErrorStatus(err, pl.name);
        }
        if (s.code !== 'Success') {
          const msg = `running AddPod on PreFilter plugin "${pl.name}": ${statusMessage(s)}`;
          return { error: { code: 'Error', reasons: [msg], plugin: pl.name } };
        }
      }
    }
    return { state: stateOut, node: nodeOut };
  }

  /** Runs PostFilter plugins until one succeeds (nominates) or errors. */
  runPostFilterPlugins(
    state: CycleState,
    pod: Pod,
    statuses: Map<string, Status>,
  ): { nominatedNodeName?: string; status: Status } {
    const reasons: string[] = [];
    let nominated: string | undefined;
    for (const pl of this.postFilters) {
      let out: { nominatedNodeName?: string; status: Status };
      try {
        out = pl.postFilter(state, pod, statuses);
      } catch (err) {
        return { status: asErrorStatus(err, pl.name) };
      }
      if (out.status.code === 'Success') return { ...out, status: withPlugin(out.status, pl.name) };
      if (out.status.code === 'Error') return { status: withPlugin(out.status, pl.name) };
      if (out.nominatedNodeName !== undefined) nominated = out.nominatedNodeName;
      reasons.push(...out.status.reasons);
    }
    return {
      ...(nominated !== undefined ? { nominatedNodeName: nominated } : {}),
      status: fw.unschedulable(...reasons),
    };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    state.skipScorePlugins = new Set();
    for (const pl of this.preScores) {
      let s: Status;
      try {
        s = pl.preScore(state, pod, nodes);
      } catch (err) {
        return asErrorStatus(err, pl.name);
      }
      if (s.code === 'Skip') state.skipScorePlugins.add(pl.name);
      else if (s.code !== 'Success') {
        return {
          code: 'Error',
          reasons: [`running PreScore plugin "${pl.name}": ${statusMessage(s)}`],
          plugin: pl.name,
        };
      }
    }
    return fw.success();
  }

  runScorePlugins(
    state: CycleState,
    pod: Pod,
    nodes: NodeInfo[],
  ): { scores: NodePluginScores[]; status: Status } {
    return runScorePlugins(this.scores, this.weights, state, pod, nodes);
  }

  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const pl of this.reserves) {
      let s: Status;
      try {
        s = pl.reserve(state, pod, nodeName);
      } catch (err) {
        return asErrorStatus(err, pl.name);
      }
      if (s.code === 'Success') continue;
      if (isRejected(s)) return withPlugin(s, pl.name);
      return {
        code: 'Error',
        reasons: [`running Reserve plugin "${pl.name}": ${statusMessage(s)}`],
        plugin: pl.name,
      };
    }
    return fw.success();
  }

  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (const pl of [...this.reserves].reverse()) {
      try {
        pl.unreserve(state, pod, nodeName);
      } catch {
        // Unreserve must not fail; a buggy plugin cannot stop the others from cleaning up.
      }
    }
  }

  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const pl of this.binders) {
      let s: Status;
      try {
        s = await pl.bind(state, pod, nodeName);
      } catch (err) {
        return asErrorStatus(err, pl.name);
      }
      if (s.code === 'Skip') continue;
      if (s.code === 'Success') return withPlugin(s, pl.name);
      if (isRejected(s)) return withPlugin(s, pl.name);
      return {
        code: 'Error',
        reasons: [`running Bind plugin "${pl.name}": ${statusMessage(s)}`],
        plugin: pl.name,
      };
    }
    return fw.skip();
  }
}
