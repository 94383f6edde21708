/**
 * The built-in resources Cairn serves, in discovery order: core/v1, then the named groups.
 */
import { controllerRevisions } from './apps/controllerrevision/strategy.js';
import { deployments } from './apps/deployment/strategy.js';
import { replicaSets } from './apps/replicaset/strategy.js';
import { statefulSets } from './apps/statefulset/strategy.js';
import { leases } from './coordination/lease/strategy.js';
import { configMaps } from './core/configmap/strategy.js';
import { endpoints } from './core/endpoints/strategy.js';
import { events } from './core/event/strategy.js';
import { namespaces } from './core/namespace/strategy.js';
import { nodes } from './core/node/strategy.js';
import { pods } from './core/pod/strategy.js';
import { replicationControllers } from './core/replicationcontroller/strategy.js';
import { secrets } from './core/secret/strategy.js';
import { services } from './core/service/strategy.js';
import { serviceAccounts } from './core/serviceaccount/strategy.js';
import { endpointSlices } from './discovery/endpointslice/strategy.js';
import { eventsV1 } from './events/event/strategy.js';
import { podDisruptionBudgets } from './policy/poddisruptionbudget/strategy.js';
import type { ResourceType } from './resource.js';

export const builtinResources: ResourceType[] = [
  namespaces,
  pods,
  nodes,
  services,
  endpoints,
  configMaps,
  secrets,
  serviceAccounts,
  events,
  replicationControllers,
  deployments,
  replicaSets,
  statefulSets,
  controllerRevisions,
  leases,
  podDisruptionBudgets,
  eventsV1,
  endpointSlices,
];
