/**
 * Simulated nodes: thousands of Nodes that register, heartbeat and run their pods' lifecycle
 * through the API without containers (`cairn sim`, scale benchmarks, failure tests).
 */
export { startSimNodes, PodCIDRMismatch, type SimNodes, type SimNodesOptions } from './sim-nodes.js';
export {
  builtinProfiles,
  loadProfile,
  parseDuration,
  PodProfileError,
  type PodProfile,
  ANNOTATION_CRASH_AFTER,
  ANNOTATION_EXIT_AFTER,
  ANNOTATION_EXIT_CODE,
  ANNOTATION_START_DELAY,
  ANNOTATION_TERMINATION_DELAY,
} from './pod-profile.js';
export { SIM_NODE_LABEL, simNodeSpec, type SimNodeCapacity } from './node-object.js';
export type { SimStats } from './stats.js';
