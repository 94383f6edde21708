/**
 * Score → NormalizeScore → weight, per plugin (upstream's RunScorePlugins): plugins a PreScore
 * answered Skip for are left out; a score outside [0, 100] after normalizing is an error.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import * as fw from './interface.js';
import { asErrorStatus, statusMessage } from './status.js';

export interface PluginScore {
  plugin: string;
  score: number;
}

export interface NodePluginScores {
  name: string;
  scores: PluginScore[];
  totalScore: number;
}

export function runScorePlugins(
  plugins: readonly fw.ScorePlugin[],
  weights: ReadonlyMap<string, number>,
  state: fw.CycleState,
  pod: Pod,
  nodes: fw.NodeInfo[],
): { scores: NodePluginScores[]; status: fw.Status } {
  const names = nodes.map((n) => n.node.metadata?.name ?? '');
  const active = plugins.filter((pl) => !state.skipScorePlugins.has(pl.name));
  // each node's list is sized up front (this runs for every candidate node of every pod)
  const totals: NodePluginScores[] = names.map((name) => ({
    name,
    scores: new Array<PluginScore>(active.length),
    totalScore: 0,
  }));
  for (let p = 0; p < active.length; p++) {
    const pl = active[p] as fw.ScorePlugin;
    const list: fw.NodeScore[] = new Array<fw.NodeScore>(nodes.length);
    try {
      for (let i = 0; i < nodes.length; i++) {
        const { score, status } = pl.score(state, pod, nodes[i] as fw.NodeInfo);
        if (status.code !== 'Success') {
          const msg = `plugin "${pl.name}" failed with: ${statusMessage(status)}`;
          return { scores: [], status: { code: 'Error', reasons: [msg], plugin: pl.name } };
        }
        list[i] = { name: names[i] ?? '', score };
      }
      const ns = pl.normalizeScore?.(state, pod, list);
      if (ns && ns.code !== 'Success') {
        const msg = `plugin "${pl.name}" failed with: ${statusMessage(ns)}`;
        return { scores: [], status: { code: 'Error', reasons: [msg], plugin: pl.name } };
      }
    } catch (err) {
      return { scores: [], status: asErrorStatus(err, pl.name) };
    }
    const weight = weights.get(pl.name) ?? 1;
    for (let i = 0; i < list.length; i++) {
      const ns = list[i] as fw.NodeScore;
      if (ns.score < fw.minNodeScore || ns.score > fw.maxNodeScore) {
        const msg =
          `plugin "${pl.name}" returns an invalid score ${ns.score}, it should in the range of ` +
          `[${fw.minNodeScore}, ${fw.maxNodeScore}] after normalizing`;
        return { scores: [], status: { code: 'Error', reasons: [msg], plugin: pl.name } };
      }
      const total = totals[i];
      if (!total) continue;
      total.scores[p] = { plugin: pl.name, score: ns.score * weight };
      total.totalScore += ns.score * weight;
    }
  }
  return { scores: totals, status: fw.success() };
}
