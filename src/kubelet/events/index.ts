/**
 * Kubelet events (upstream `pkg/kubelet/events` for the reasons, client-go `tools/record` for
 * the recorder): core/v1 Events about pods and containers, deduplicated and spam-filtered.
 */
export * from './reasons.js';
export { containerFieldPath, containerReference, podReference } from './reference.js';
export {
  EventCorrelator,
  eventKey,
  spamKey,
  type Correlation,
  type CorrelatorOptions,
} from './correlator.js';
export { EventRecorder, KUBELET_COMPONENT, type EventRecorderOptions, type EventsApi } from './recorder.js';
export { loggingEventRecorder } from './logging.js';
