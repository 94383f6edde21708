/**
 * Kubelet events (upstream `pkg/kubelet/events` for the reasons, client-go `tools/record` for
 * the recorder): core/v1 Events about pods and containers, counted, combined and spam-filtered.
 */
export * from './reasons.js';
export { containerFieldPath, containerReference, podReference } from './reference.js';
export { EventRecorder, KUBELET_COMPONENT, type EventRecorderOptions, type EventsApi } from './recorder.js';
export { loggingEventRecorder } from './logging.js';
