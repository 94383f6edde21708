import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { getContainerOOMScoreAdjust } from '../cm/qos-policy.js';
import {
  calculateSandboxResources,
  generateLinuxContainerResources,
  milliCPUToQuota,
  milliCPUToShares,
} from './resources.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe('milliCPUToShares', () => {
  it.each([
    [0, 2],
    [1, 2],
    [2, 2],
    [100, 102],
    [250, 256],
    [1000, 1024],
    [1500, 1536],
    [500_000, 262_144],
  ])('%i m → %i shares', (milli, shares) => expect(milliCPUToShares(milli)).toBe(shares));
});

describe('milliCPUToQuota', () => {
  it.each([
    [0, 100_000, 0],
    [5, 100_000, 1000],
    [9, 100_000, 1000],
    [10, 100_000, 1000],
    [200, 100_000, 20_000],
    [500, 100_000, 50_000],
    [1000, 100_000, 100_000],
    [1500, 50_000, 75_000],
  ])('%i m over %i µs → %i', (milli, period, quota) => expect(milliCPUToQuota(milli, period)).toBe(quota));
});

const container = (resources?: Container['resources'], name = 'c', restartPolicy?: string): Container => ({
  name,
  image: 'x',
  ...(resources ? { resources } : {}),
  ...(restartPolicy ? { restartPolicy } : {}),
});
const pod = (
  containers: Container[],
  extra: Partial<NonNullable<Pod['spec']>> = {},
  qosClass?: string,
): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u' },
  spec: { containers, ...extra },
  ...(qosClass ? { status: { qosClass } } : {}),
});

describe('generateLinuxContainerResources', () => {
  it.each([
    [
      'BestEffort: min shares, no quota, no memory limit',
      container(),
      { cpu_shares: 2, cpu_quota: 0, cpu_period: 100_000, oom_score_adj: 1000 },
    ],
    [
      'Guaranteed (limits only: requests default to them)',
      container({ limits: { cpu: '200m', memory: '20Mi' } }),
      {
        cpu_shares: 204,
        cpu_quota: 20_000,
        cpu_period: 100_000,
        memory_limit_in_bytes: 20 * MiB,
        oom_score_adj: -997,
      },
    ],
    [
      'Burstable: requests only',
      container({ requests: { cpu: '1', memory: '1Gi' } }),
      { cpu_shares: 1024, cpu_quota: 0, cpu_period: 100_000, oom_score_adj: 750 },
    ],
    [
      'Burstable: fractional memory request rounds up to whole bytes',
      container({ requests: { memory: '100Mi' }, limits: { memory: '1.5Gi' } }),
      {
        cpu_shares: 2,
        cpu_quota: 0,
        cpu_period: 100_000,
        memory_limit_in_bytes: 1.5 * GiB,
        oom_score_adj: 976,
      },
    ],
  ])('%s', (_n, c, expected) => {
    expect(generateLinuxContainerResources(pod([c]), c, { memoryCapacity: 4 * GiB })).toEqual(expected);
  });
});

describe('getContainerOOMScoreAdjust', () => {
  const cap = 4 * GiB;
  it.each([
    ['BestEffort', pod([container()]), 1000],
    ['Guaranteed', pod([container({ limits: { cpu: '1', memory: '1Gi' } })]), -997],
    ['recorded class wins', pod([container({ limits: { cpu: '1', memory: '1Gi' } })], {}, 'Burstable'), 750],
    ['node-critical', pod([container()], { priorityClassName: 'system-node-critical' }), -997],
    ['Burstable tiny request: 999, never 1000', pod([container({ requests: { memory: '1' } })]), 999],
    ['Burstable request ≥ capacity: 3', pod([container({ requests: { memory: '8Gi' } })]), 3],
  ])('%s → %i', (_n, p, expected) => {
    expect(getContainerOOMScoreAdjust(p, p.spec!.containers[0]!, cap)).toBe(expected);
  });

  it('a sidecar never scores above the regular containers', () => {
    const sidecar = container({ requests: { memory: '1' } }, 'side', 'Always');
    const p = pod([container({ requests: { memory: '2Gi' } })], { initContainers: [sidecar] });
    expect(getContainerOOMScoreAdjust(p, sidecar, cap)).toBe(500);
  });
});

describe('calculateSandboxResources', () => {
  it('sums the containers, takes the largest init container if bigger, adds the overhead', () => {
    const p = pod(
      [
        container({ requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '64Mi' } }),
        container({ requests: { cpu: '300m' }, limits: { memory: '64Mi' } }, 'd'),
      ],
      { initContainers: [container({ requests: { cpu: '2' } }, 'init')], overhead: { cpu: '10m' } },
    );
    expect(calculateSandboxResources(p)).toEqual({
      cpu_shares: 2058, // 2010m
      cpu_quota: 21_000, // 210m
      cpu_period: 100_000,
      memory_limit_in_bytes: 128 * MiB,
    });
  });
});
