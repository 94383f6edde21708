/**
 * Where a pod's kubelet is and how the API server talks to it (upstream `pkg/kubelet/client`):
 * `https://<node InternalIP>:<status.daemonEndpoints.kubeletEndpoint.Port>`, presenting the API
 * server's own certificate (issued by the cluster CA, which the kubelet checks) and, as upstream
 * does by default, without verifying the kubelet's self-signed serving certificate.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, serviceUnavailable } from '../../apimachinery/errors.js';
import type { Api } from '../api.js';
import type { UpgradeTarget } from './upgrade-aware.js';

export interface KubeletClientConfig {
  /** PEM client certificate and key (the API server's serving pair); absent: plain requests (refused). */
  cert?: string;
  key?: string;
}

const addressPreference = ['InternalIP', 'Hostname', 'ExternalIP'];

/** The base URL of the kubelet serving `pod`'s node. */
export async function kubeletURL(api: Api, pod: Pod): Promise<URL> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
  const node = (await api.registry('', 'v1', 'nodes').get('', nodeName)) as Node;
  const addresses = node.status?.addresses ?? [];
  const address = addressPreference
    .map((t) => addresses.find((a) => a.type === t)?.address)
    .find((a): a is string => !!a);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!address || !port) throw serviceUnavailable(`node ${nodeName} has no kubelet endpoint yet`);
  return new URL(`https://${address.includes(':') ? `[${address}]` : address}:${port}`);
}

export function kubeletTarget(
  base: URL,
  path: string,
  query: URLSearchParams,
  c: KubeletClientConfig,
): UpgradeTarget {
  const url = new URL(path, base);
  url.search = query.toString();
  return {
    url,
    tls: { rejectUnauthorized: false, ...(c.cert && c.key ? { cert: c.cert, key: c.key } : {}) },
  };
}

/**
 * The container a log/exec/attach request is about: `container` when given (it must exist), else
 * the `kubectl.kubernetes.io/default-container` annotation's, else the only one.
 */
export function podContainer(pod: Pod, container: string | null, initAllowed = true): string {
  const spec = pod.spec;
  const names = (spec?.containers ?? []).map((c) => c.name);
  const all = [
    ...(initAllowed ? (spec?.initContainers ?? []).map((c) => c.name) : []),
    ...names,
    ...(spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
  const podName = pod.metadata?.name ?? '';
  if (container) {
    if (!all.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${podName}`);
    }
    return container;
  }
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 1 && names[0]) return names[0];
  throw badRequest(
    `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
  );
}
