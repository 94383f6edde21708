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
  const totals: NodePluginScores[] = nodes.map((n) => ({
    name: n.node.metadata?.name ?? '',
    scores: [],
    totalScore: 0,
  }));
  for (const pl of plugins) {
    if (state.skipScorePlugins.has(pl.name)) continue;
    const list: fw.NodeScore[] = [];
    try {
      for (const node of nodes) {
        const { score, status } = pl.score(state, pod, node);
        if (status.code !== 'Success') {
          const msg = `plugin "${pl.name}" failed with: ${statusMessage(status)}`;
          return { scores: [], status: { code: 'Error', reasons: [msg], plugin: pl.name } };
        }
        list.push({ name: node.node.metadata?.name ?? '', score });
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
    for (const [i, ns] of list.entries()) {
      if (ns.score < fw.minNodeScore || ns.score > fw.maxNodeScore) {
        const msg =
          `plugin "${pl.name}" returns an invalid score ${ns.score}, it should in the range of ` +
          `[${fw.minNodeScore}, ${fw.maxNodeScore}] after normalizing`;
        return { scores: [], status: { code: 'Error', reasons: [msg], plugin: pl.name } };
      }
      const total = totals[i];
      if (!total) continue;
      total.scores.push({ plugin: pl.name, score: ns.score * weight });
      total.totalScore += ns.score * weight;
    }
  }
  return { scores: totals, status: fw.success() };
}
