/**
 * Container resources → CRI `LinuxContainerResources` (upstream kuberuntime
 * `generateLinuxContainerResources` + `helpers_linux.go`): cpu shares from the cpu request
 * (1024 per cpu, at least 2), a CFS quota from the cpu limit over a 100 ms period, the memory
 * limit in bytes, and the OOM score adjustment of the pod's QoS class. The sandbox gets the
 * pod-level totals the same way (`LinuxPodSandboxConfig.resources`).
 */
import { totalmem } from 'node:os';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { type Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import type { LinuxContainerResources } from '../container/runtime.js';
import { getContainerOOMScoreAdjust } from '../cm/qos-policy.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const SHARES_PER_CPU = 1024;
export const MILLI_CPU_TO_CPU = 1000;
/** The CFS period (µs) used for every quota, as upstream's default `--cpu-cfs-quota-period`. */
export const QUOTA_PERIOD = 100_000;
/** The kernel's smallest quota (µs). */
export const MIN_QUOTA_PERIOD = 1000;

/** cpu.shares for a request in millicores: 0 → 2, else proportional, clamped to [2, 262144]. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / MILLI_CPU_TO_CPU);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** cpu.cfs_quota_us for a limit in millicores: 0 → no quota (0), else at least 1 ms. */
export function milliCPUToQuota(milliCPU: number, period: number): number {
  if (milliCPU <= 0) return 0;
  const quota = Math.floor((milliCPU * period) / MILLI_CPU_TO_CPU);
  return Math.max(MIN_QUOTA_PERIOD, quota);
}

const quantity = (raw: string | undefined): Quantity | undefined => {
  const q = tryParseQuantity(raw);
  return q && q.sign() > 0 ? q : undefined;
};

/** Shares, quota/period and memory limit from a cpu request, cpu limit and memory limit (upstream `calculateLinuxResources`). */
export function calculateLinuxResources(
  cpuRequest: Quantity | undefined,
  cpuLimit: Quantity | undefined,
  memoryLimit: Quantity | undefined,
): LinuxContainerResources {
  const out: LinuxContainerResources = {};
  if (memoryLimit) out.memory_limit_in_bytes = Number(memoryLimit.value());
  const shareBase = cpuRequest ?? cpuLimit;
  out.cpu_shares = shareBase ? milliCPUToShares(Number(shareBase.milliValue())) : MIN_SHARES;
  out.cpu_quota = milliCPUToQuota(Number(cpuLimit?.milliValue() ?? 0n), QUOTA_PERIOD);
  out.cpu_period = QUOTA_PERIOD;
  return out;
}

export interface ContainerResourcesOptions {
  /** The node's memory in bytes (Burstable OOM score); the host's by default. */
  memoryCapacity?: number | undefined;
}

/** The container's `LinuxContainerConfig.resources`. A cpu limit without a request requests the limit. */
export function generateLinuxContainerResources(
  pod: Pod,
  container: Container,
  options: ContainerResourcesOptions = {},
): LinuxContainerResources {
  const { requests, limits } = container.resources ?? {};
  const cpuLimit = quantity(limits?.cpu);
  const cpuRequest = quantity(requests?.cpu) ?? cpuLimit;
  const resources = calculateLinuxResources(cpuRequest, cpuLimit, quantity(limits?.memory));
  resources.oom_score_adj = getContainerOOMScoreAdjust(pod, container, options.memoryCapacity ?? totalmem());
  return resources;
}

const sum = (qs: (Quantity | undefined)[]): Quantity | undefined =>
  qs.reduce<Quantity | undefined>((acc, q) => (q ? (acc ? acc.add(q) : q) : acc), undefined);
const max = (a: Quantity | undefined, b: Quantity | undefined): Quantity | undefined =>
  !a ? b : !b ? a : a.cmp(b) >= 0 ? a : b;

/**
 * The pod's effective value of one resource (upstream `PodRequests`/`PodLimits`, simplified): the
 * sum over regular containers and sidecars, or the largest init container if that is more, plus
 * the pod overhead.
 */
function podTotal(
  pod: Pod,
  pick: (c: Container) => Quantity | undefined,
  overhead?: string,
): Quantity | undefined {
  const init = pod.spec?.initContainers ?? [];
  const sidecars = init.filter((c) => c.restartPolicy === 'Always');
  const running = sum([...(pod.spec?.containers ?? []), ...sidecars].map(pick));
  const largestInit = init
    .filter((c) => c.restartPolicy !== 'Always')
    .map(pick)
    .reduce<Quantity | undefined>(max, undefined);
  return sum([max(running, largestInit), quantity(overhead)]);
}

/** `LinuxPodSandboxConfig.resources`: the pod-level shares, quota and memory limit. */
export function calculateSandboxResources(pod: Pod): LinuxContainerResources {
  const overhead = pod.spec?.overhead;
  const req = (name: string) => (c: Container) =>
    quantity(c.resources?.requests?.[name]) ?? quantity(c.resources?.limits?.[name]);
  const lim = (name: string) => (c: Container) => quantity(c.resources?.limits?.[name]);
  return calculateLinuxResources(
    podTotal(pod, req('cpu'), overhead?.cpu),
    podTotal(pod, lim('cpu'), overhead?.cpu),
    podTotal(pod, lim('memory'), overhead?.memory),
  );
}
