/**
 * Runs one probe of a container (upstream prober `prober.go`): picks the probe of the given type,
 * resolves host (the pod IP unless the probe names one) and port (number or named container
 * port), runs the mechanism with the probe's timeout, retries a check that could not be carried
 * out (up to 3 attempts), and records an `Unhealthy` event for every failure.
 */
import type { Container, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { Runtime } from '../container/runtime.js';
import { execProbe } from './probe/exec.js';
import { grpcProbe } from './probe/grpc.js';
import { httpProbe } from './probe/http.js';
import { resolveContainerPort, type ProbeOutcome } from './probe/index.js';
import { tcpProbe } from './probe/tcp.js';
import type { ProbeResult } from './results.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** Records an event about a container of a pod (`Unhealthy`, `FailedPostStartHook`, …). */
export type ContainerEventRecorder = (
  pod: Pod,
  containerName: string,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
) => void;

/** A recorder that only logs (the default until the agent records Events). */
export const loggingRecorder =
  (logger: Logger): ContainerEventRecorder =>
  (pod, container, type, reason, message) =>
    logger.info(
      { pod: pod.metadata?.name, namespace: pod.metadata?.namespace, container, type, reason },
      message,
    );

export const probeOf = (container: Container, type: ProbeType): Probe | undefined =>
  type === 'liveness'
    ? container.livenessProbe
    : type === 'readiness'
      ? container.readinessProbe
      : container.startupProbe;

const MAX_PROBE_ATTEMPTS = 3;
const capitalized = (type: ProbeType) => type[0]!.toUpperCase() + type.slice(1);

export interface ProberOptions {
  runtime: Pick<Runtime, 'execSync'>;
  recorder: ContainerEventRecorder;
}

export class Prober {
  constructor(private readonly o: ProberOptions) {}

  /** Runs the mechanism once; throws when the check could not be carried out. */
  async runProbe(probe: Probe, status: PodStatus | undefined, container: Container, containerID: string) {
    const timeoutSeconds = probe.timeoutSeconds || 1;
    const timeoutMs = timeoutSeconds * 1000;
    const podIP = status?.podIP ?? '';
    if (probe.exec) return execProbe(this.o.runtime, containerID, probe.exec.command ?? [], timeoutSeconds);
    if (probe.httpGet) {
      const g = probe.httpGet;
      return httpProbe(
        {
          scheme: g.scheme ?? 'HTTP',
          host: g.host || podIP,
          port: resolveContainerPort(g.port, container),
          path: g.path ?? '',
          headers: g.httpHeaders ?? [],
        },
        timeoutMs,
      );
    }
    if (probe.tcpSocket) {
      const port = resolveContainerPort(probe.tcpSocket.port, container);
      return tcpProbe(probe.tcpSocket.host || podIP, port, timeoutMs);
    }
    if (probe.grpc) {
      const port = resolveContainerPort(probe.grpc.port, container);
      return grpcProbe(podIP, port, probe.grpc.service ?? '', timeoutMs);
    }
    throw new Error(`missing probe handler for ${container.name}`);
  }

  /**
   * The result of one probe of the container; a container without that probe succeeds.
   * Throws when every attempt errored (the worker then keeps its previous result).
   */
  async probe(
    type: ProbeType,
    pod: Pod,
    status: PodStatus | undefined,
    container: Container,
    containerID: string,
  ): Promise<Exclude<ProbeResult, 'Unknown'>> {
    const spec = probeOf(container, type);
    if (!spec) return 'Success';
    let outcome: ProbeOutcome | undefined;
    let lastErr: unknown;
    for (let i = 0; i < MAX_PROBE_ATTEMPTS && !outcome; i++) {
      try {
        outcome = await this.runProbe(spec, status, container, containerID);
      } catch (err) {
        lastErr = err;
      }
    }
    const event = (message: string) => this.o.recorder(pod, container.name, 'Warning', 'Unhealthy', message);
    if (!outcome) {
      event(`${capitalized(type)} probe errored: ${(lastErr as Error)?.message ?? String(lastErr)}`);
      throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
    }
    switch (outcome.result) {
      case 'Success':
        return 'Success';
      case 'Warning':
        this.o.recorder(
          pod,
          container.name,
          'Warning',
          'ProbeWarning',
          `${capitalized(type)} probe warning: ${outcome.output}`,
        );
        return 'Success';
      case 'Failure':
        event(`${capitalized(type)} probe failed: ${outcome.output}`);
        return 'Failure';
      case 'Unknown':
        event(`Unknown ${type} probe status: ${outcome.output}`);
        return 'Failure';
    }
  }
}
