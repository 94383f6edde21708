/**
 * Upstream's v1 default plugin set (all through multiPoint, in upstream's order, with its score
 * weights) and the merge of a profile's own plugins into it (upstream's mergePlugins): a default
 * plugin the profile re-enables is replaced in place, `disabled` (or `'*'`) drops defaults, and
 * the profile's other plugins are appended.
 */
import {
  type ExtensionPoint,
  type PluginRef,
  type PluginSet,
  type Plugins,
  extensionPoints,
} from './types.js';

export const defaultMultiPoint: readonly PluginRef[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

/**
 * Upstream plugins Cairn accepts in a configuration but has nothing to run for: volumes are not
 * scheduled here, and scheduling gates are honoured by the queue itself.
 */
export const builtinNoopPlugins: ReadonlySet<string> = new Set([
  'SchedulingGates',
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'VolumeZone',
  'DynamicResources',
]);

export const defaultPlugins = (): Plugins => ({
  multiPoint: { enabled: defaultMultiPoint.map((p) => ({ ...p })) },
});

function mergePluginSet(defaults: PluginSet, custom: PluginSet): PluginSet {
  const disabled = [...(custom.disabled ?? []), ...(defaults.disabled ?? [])].map((p) => ({ name: p.name }));
  const disabledNames = new Set(disabled.map((p) => p.name));
  const customEnabled = custom.enabled ?? [];
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledNames.has('*')) {
    for (const plugin of defaults.enabled ?? []) {
      if (disabledNames.has(plugin.name)) continue;
      const i = customEnabled.findIndex((c) => c.name === plugin.name);
      const override = customEnabled[i];
      if (override) replaced.add(i);
      enabled.push({ ...(override ?? plugin) });
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push({ ...p });
  });
  const out: PluginSet = {};
  if (enabled.length) out.enabled = enabled;
  if (disabled.length) out.disabled = disabled;
  return out;
}

/** A profile's plugins merged into the defaults, per extension point. */
export function mergePlugins(defaults: Plugins, custom: Plugins | undefined): Plugins {
  if (!custom) return structuredClone(defaults);
  const out: Plugins = {};
  for (const point of extensionPoints as readonly ExtensionPoint[]) {
    const merged = mergePluginSet(defaults[point] ?? {}, custom[point] ?? {});
    if (merged.enabled || merged.disabled) out[point] = merged;
  }
  return out;
}
