/**
 * Container probes (upstream `pkg/kubelet/prober`): `ProberManager` runs startup, readiness and
 * liveness workers and answers the plan's and the status's questions; `Prober` runs one probe
 * through the mechanisms in `probe/` (exec, httpGet, tcpSocket, grpc).
 */
export { ProberManager, type ProberManagerOptions } from './manager.js';
export { loggingRecorder, Prober, probeOf, type ContainerEventRecorder, type ProbeType } from './prober.js';
export { ResultsManager, type ProbeResult } from './results.js';
export { Worker, probeTimings } from './worker.js';
