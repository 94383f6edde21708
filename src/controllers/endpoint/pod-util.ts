/**
 * What the endpoint controllers ask of a pod (upstream's podutil and endpointutil helpers):
 * its IP, whether it is Ready, whether it belongs in endpoints at all, its hostname under a
 * Service, and the container port a Service port's targetPort names.
 */
import type { Container, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';

/** The pod's primary IP (status.podIPs[0], or the legacy status.podIP). */
export const podIP = (pod: Pod): string => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';

/** IsPodReady: the `Ready` condition is True. */
export const isPodReady = (pod: Pod): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export const isPodTerminating = (pod: Pod): boolean => Boolean(pod.metadata?.deletionTimestamp);

/**
 * ShouldPodBeInEndpoints: finished pods (Succeeded or Failed) and pods without an IP never
 * are; terminating ones only when `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!podIP(pod)) return false;
  return includeTerminating || !isPodTerminating(pod);
}

/** The pod's DNS hostname under `svc`: set when its `subdomain` names the Service. */
export function endpointHostname(pod: Pod, svc: Service): string | undefined {
  const hostname = pod.spec?.hostname;
  const sameNamespace = pod.metadata?.namespace === svc.metadata?.namespace;
  return hostname && sameNamespace && pod.spec?.subdomain === svc.metadata?.name ? hostname : undefined;
}

const sidecars = (pod: Pod): Container[] =>
  (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');

/**
 * FindPort: a numeric targetPort as is; a named one is looked up among the pod's container
 * (and sidecar) ports with the Service port's protocol. Undefined when no port has the name.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars(pod)]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** Services select pods with a non-empty label map; an empty or absent one selects nothing. */
export function selectorOf(svc: Service): Record<string, string> | undefined {
  const selector = svc.spec?.selector;
  return selector && Object.keys(selector).length ? selector : undefined;
}

export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export const isHeadlessService = (svc: Service): boolean => svc.spec?.clusterIP === 'None';

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
