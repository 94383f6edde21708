/**
 * The downward API's values (upstream `fieldpath.ExtractFieldPathAsString` and
 * `resource.ExtractContainerResourceValue`), shared by env (`valueFrom.fieldRef`,
 * `resourceFieldRef`) and the downwardAPI / projected volumes.
 */
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity, type Quantity } from '../../apimachinery/quantity.js';

/** What the pod object does not hold yet when a container is created. */
export interface PodRuntimeInfo {
  podIPs: string[];
  hostIPs: string[];
}

/** A downward API reference that cannot be resolved (a CreateContainerConfigError message). */
export class FieldPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldPathError';
  }
}

/** `metadata.labels['key']` → ['labels', 'key']. */
function subscript(path: string): [string, string] | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** `k="v"` lines sorted by key, values quoted like Go's %q (what a labels/annotations file holds). */
export const formatMap = (m: Record<string, string> | undefined): string =>
  Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');

/**
 * The value of `fieldRef.fieldPath`. `wholeMaps` allows `metadata.labels`/`metadata.annotations`
 * (volumes only, as upstream).
 */
export function podFieldValue(
  pod: Pod,
  ref: ObjectFieldSelector,
  info: PodRuntimeInfo,
  wholeMaps = false,
): string {
  const path = ref.fieldPath;
  const meta = pod.metadata ?? {};
  const sub = subscript(path);
  if (sub) {
    const map = sub[0] === 'labels' ? meta.labels : meta.annotations;
    return map?.[sub[1]] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
    case 'metadata.annotations':
      if (!wholeMaps) break;
      return formatMap(path === 'metadata.labels' ? meta.labels : meta.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return info.hostIPs[0] ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (info.hostIPs.length ? info.hostIPs : (pod.status?.hostIPs ?? []).map((i) => i.ip)).join(',');
    case 'status.podIP':
      return info.podIPs[0] ?? pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (info.podIPs.length ? info.podIPs : (pod.status?.podIPs ?? []).map((i) => i.ip)).join(',');
  }
  throw new FieldPathError(`unsupported fieldPath: ${path}`);
}

const quantity = (s: string | number | undefined): Quantity | undefined =>
  s === undefined ? undefined : parseQuantity(s);

/** Ceil(a / b) for non-negative bigints. */
const ceilDiv = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : (a + b - 1n) / b);

/**
 * The value of `resourceFieldRef` for `container`: limits fall back to the node's allocatable
 * when unset (as upstream merges them), cpu in ceil(milli/divisor-milli), others ceil(value/divisor).
 */
export function containerResourceValue(
  ref: ResourceFieldSelector,
  container: Container,
  allocatable: Record<string, string>,
): string {
  const [kind, name] = ref.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !name) {
    throw new FieldPathError(`unsupported container resource : ${ref.resource}`);
  }
  if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) {
    throw new FieldPathError(`unsupported container resource : ${ref.resource}`);
  }
  const resources = container.resources ?? {};
  const set = kind === 'limits' ? resources.limits : resources.requests;
  let value = quantity(set?.[name]);
  if (!value && kind === 'limits') value = quantity(allocatable[name]);
  const divisor = quantity(ref.divisor ?? '1') ?? parseQuantity(1);
  if (divisor.isZero()) throw new FieldPathError(`invalid divisor for ${ref.resource}: 0`);
  if (!value) return '0';
  if (name === 'cpu') return String(ceilDiv(value.milliValue(), divisor.milliValue()));
  return String(ceilDiv(value.value(), divisor.value()));
}
