/**
 * The in-tree plugins by their upstream names. Profiles enable them by name; their factories
 * take the plugin's args as written in the configuration (defaults applied by the plugin).
 */
import type { PluginFactory } from '../framework/interface.js';
import { defaultBinderFactory } from './default-binder/plugin.js';
import { defaultPreemptionFactory } from './default-preemption/plugin.js';
import { imageLocalityFactory } from './image-locality/plugin.js';
import { interPodAffinityFactory } from './inter-pod-affinity/plugin.js';
import { nodeAffinityFactory } from './node-affinity/plugin.js';
import { nodeNameFactory } from './node-name/plugin.js';
import { nodePortsFactory } from './node-ports/plugin.js';
import { nodeResourcesBalancedAllocationFactory } from './node-resources/balanced-allocation.js';
import { nodeResourcesFitFactory } from './node-resources/fit.js';
import { nodeUnschedulableFactory } from './node-unschedulable/plugin.js';
import { podTopologySpreadFactory } from './pod-topology-spread/plugin.js';
import { prioritySortFactory } from './queue-sort/priority-sort.js';
import { taintTolerationFactory } from './taint-toleration/plugin.js';

export const inTreeRegistry: Record<string, PluginFactory> = {
  PrioritySort: prioritySortFactory,
  NodeUnschedulable: nodeUnschedulableFactory,
  NodeName: nodeNameFactory,
  TaintToleration: taintTolerationFactory,
  NodeAffinity: nodeAffinityFactory,
  NodePorts: nodePortsFactory,
  NodeResourcesFit: nodeResourcesFitFactory,
  PodTopologySpread: podTopologySpreadFactory,
  InterPodAffinity: interPodAffinityFactory,
  DefaultPreemption: defaultPreemptionFactory,
  NodeResourcesBalancedAllocation: nodeResourcesBalancedAllocationFactory,
  ImageLocality: imageLocalityFactory,
  DefaultBinder: defaultBinderFactory,
};
