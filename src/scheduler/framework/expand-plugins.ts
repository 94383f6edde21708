/**
 * Which plugin runs at which extension point, in which order (upstream's NewFramework +
 * expandMultiPointPlugins), as a pure step over instantiated plugins:
 *
 *   per point: plugins enabled at the point itself, then multiPoint plugins implementing it
 *   (unless disabled at the point, or `'*'` disables the point); a plugin both enabled at the
 *   point and through multiPoint keeps the point's settings and comes first.
 *   Score weights: the score point's weight wins over multiPoint's; 0/unset counts as 1.
 */
import type { ExtensionPoint, PluginRef, Plugins } from '../apis/config/types.js';
import type { Plugin } from './interface.js';

export type Implements = (p: Plugin) => boolean;

export class FrameworkConfigError extends Error {
  readonly code = 'InvalidProfile';
}

/** The ordered plugin names for one extension point. */
export function pluginsForPoint(
  plugins: Plugins,
  point: Exclude<ExtensionPoint, 'multiPoint'>,
  instances: ReadonlyMap<string, Plugin>,
  implementsPoint: Implements,
): string[] {
  const set = plugins[point] ?? {};
  const explicit: string[] = [];
  for (const p of set.enabled ?? []) {
    const pl = instances.get(p.name);
    if (!pl) continue; // accepted but nothing to run (volume plugins…)
    if (!implementsPoint(pl)) {
      throw new FrameworkConfigError(`plugin "${p.name}" does not extend ${point} plugin`);
    }
    if (explicit.includes(p.name))
      throw new FrameworkConfigError(`plugin "${p.name}" already registered as "${point}"`);
    explicit.push(p.name);
  }
  const disabled = new Set((set.disabled ?? []).map((p) => p.name));
  if (disabled.has('*')) return explicit;
  const overrides: string[] = [];
  const multi: string[] = [];
  for (const p of plugins.multiPoint?.enabled ?? []) {
    const pl = instances.get(p.name);
    if (!pl || !implementsPoint(pl) || disabled.has(p.name)) continue;
    if (explicit.includes(p.name)) {
      overrides.push(p.name);
      continue;
    }
    if (multi.includes(p.name))
      throw new FrameworkConfigError(`plugin "${p.name}" already registered as "${point}"`);
    multi.push(p.name);
  }
  const first = explicit.filter((n) => overrides.includes(n));
  const rest = explicit.filter((n) => !overrides.includes(n));
  return [...first, ...multi, ...rest];
}

/** Every plugin name enabled anywhere in the profile, in first-seen order. */
export function enabledPluginNames(plugins: Plugins): string[] {
  const names: string[] = [];
  for (const set of Object.values(plugins)) {
    for (const p of set?.enabled ?? []) if (!names.includes(p.name)) names.push(p.name);
  }
  return names;
}

/** Score weights: the score point's own entry first, then multiPoint's. */
export function scoreWeights(plugins: Plugins, scorePlugins: readonly string[]): Map<string, number> {
  const weights = new Map<string, number>();
  const refs: PluginRef[] = [...(plugins.score?.enabled ?? []), ...(plugins.multiPoint?.enabled ?? [])];
  for (const ref of refs) {
    if (!scorePlugins.includes(ref.name) || weights.has(ref.name)) continue;
    weights.set(ref.name, ref.weight ? ref.weight : 1);
  }
  for (const name of scorePlugins) if (!weights.has(name)) weights.set(name, 1);
  return weights;
}
