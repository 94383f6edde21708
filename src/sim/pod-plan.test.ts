import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { planPod, restartDelay } from './pod-plan.js';
import { builtinProfiles, type PodProfile } from './pod-profile.js';
import { applyAction, newPodState, type PodAction, type SimPodState } from './pod-state.js';

const profile = builtinProfiles.default as PodProfile;
const c = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'busybox', ...extra });
const pod = (
  spec: Partial<NonNullable<Pod['spec']>> = {},
  meta: Partial<NonNullable<Pod['metadata']>> = {},
): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', ...meta },
  spec: { containers: [c('main')], ...spec },
});

/** Plans and applies until nothing is due at `now` (what the executor does). */
function runUntilIdle(
  p: Pod,
  s: SimPodState,
  b: PodProfile,
  now: number,
): { applied: PodAction[]; wakeAt: number | null } {
  const applied: PodAction[] = [];
  for (let i = 0; i < 50; i++) {
    const plan = planPod(p, s, b, now);
    if (plan.actions.length === 0) return { applied, wakeAt: plan.wakeAt };
    for (const a of plan.actions) {
      applyAction(s, p, a, now, () => ['10.64.0.2']);
      applied.push(a);
    }
  }
  throw new Error('plan did not settle');
}

const types = (actions: PodAction[]) => actions.map((a) => ('name' in a ? `${a.type}:${a.name}` : a.type));

describe('planPod', () => {
  it('waits for the start delay, then creates the sandbox and starts the containers', () => {
    const p = pod();
    const s = newPodState('u1', 0);
    expect(runUntilIdle(p, s, profile, 500)).toEqual({ applied: [], wakeAt: 1000 });
    const r = runUntilIdle(p, s, profile, 1000);
    expect(types(r.applied)).toEqual(['createSandbox', 'startContainer:main']);
    expect(r.wakeAt).toBeNull();
    expect(s.sandbox?.ips).toEqual(['10.64.0.2']);
  });

  it('runs init containers one at a time, each for the profile duration', () => {
    const p = pod({ initContainers: [c('i1'), c('i2')] });
    const s = newPodState('u1', 0);
    let r = runUntilIdle(p, s, profile, 1000);
    expect(types(r.applied)).toEqual(['createSandbox', 'startContainer:i1']);
    expect(r.wakeAt).toBe(2000);
    r = runUntilIdle(p, s, profile, 2000);
    expect(types(r.applied)).toEqual(['exitContainer', 'startContainer:i2']);
    r = runUntilIdle(p, s, profile, 3000);
    expect(types(r.applied)).toEqual(['exitContainer', 'startContainer:main']);
  });

  it('waits for a sidecar to count as started (startup probe delay) before the next container', () => {
    const sidecar = c('side', {
      restartPolicy: 'Always',
      startupProbe: { exec: { command: ['true'] }, initialDelaySeconds: 3 },
    });
    const p = pod({ initContainers: [sidecar] });
    const s = newPodState('u1', 0);
    let r = runUntilIdle(p, s, { ...profile, startDelayMs: 0 }, 0);
    expect(types(r.applied)).toEqual(['createSandbox', 'startContainer:side']);
    expect(r.wakeAt).toBe(3000);
    r = runUntilIdle(p, s, { ...profile, startDelayMs: 0 }, 3000);
    expect(types(r.applied)).toEqual(['startContainer:main']);
  });

  it.each([
    ['Never', 1, ['exitContainer', 'finish']],
    ['OnFailure', 0, ['exitContainer', 'finish']],
    ['OnFailure', 2, ['exitContainer', 'startContainer:main']],
    ['Always', 0, ['exitContainer', 'startContainer:main']],
  ] as const)('restartPolicy %s, exit code %i → %j', (policy, code, expected) => {
    const p = pod({ restartPolicy: policy });
    const b: PodProfile = { ...profile, startDelayMs: 0, exit: { afterMs: 5000, code } };
    const s = newPodState('u1', 0);
    runUntilIdle(p, s, b, 0);
    expect(types(runUntilIdle(p, s, b, 5000).applied)).toEqual(expected);
  });

  it('backs off restarts after the first: 10 s, then 20 s, with the CrashLoopBackOff message', () => {
    const p = pod();
    const b: PodProfile = { ...profile, startDelayMs: 0, exit: { afterMs: 1000, code: 1 } };
    const s = newPodState('u1', 0);
    runUntilIdle(p, s, b, 0);
    runUntilIdle(p, s, b, 1000); // exits, restarted at once (restartCount 1)
    const r = runUntilIdle(p, s, b, 2000); // exits again: back-off 10 s
    expect(types(r.applied)).toEqual(['exitContainer', 'backOff:main']);
    expect(r.wakeAt).toBe(12_000);
    const backOff = r.applied[1] as Extract<PodAction, { type: 'backOff' }>;
    expect(backOff.message).toBe('back-off 10s restarting failed container=main pod=p_default(u1)');
    expect(types(runUntilIdle(p, s, b, 11_999).applied)).toEqual([]);
    expect(types(runUntilIdle(p, s, b, 12_000).applied)).toEqual(['startContainer:main']);
    expect(s.containers[0]?.restartCount).toBe(2);
    expect(runUntilIdle(p, s, b, 13_000).wakeAt).toBe(33_000);
  });

  it('restart delays grow to 5 min', () => {
    const inst = (restartCount: number) =>
      ({ restartCount, startedAt: 0, finishedAt: 1000 }) as Parameters<typeof restartDelay>[0];
    expect([0, 1, 2, 3, 6, 10].map((n) => restartDelay(inst(n)))).toEqual([
      0, 10_000, 20_000, 40_000, 300_000, 300_000,
    ]);
  });

  it('stops a deleted pod after the termination delay (capped by the grace period), then deletes it', () => {
    const running = pod({ terminationGracePeriodSeconds: 2 });
    const s = newPodState('u1', 0);
    const b: PodProfile = { ...profile, startDelayMs: 0, terminationMs: 10_000 };
    runUntilIdle(running, s, b, 0);
    const deleted = pod(
      { terminationGracePeriodSeconds: 2 },
      { deletionTimestamp: '2024-01-01T00:00:05Z', deletionGracePeriodSeconds: 2 },
    );
    s.deletionSeenAt = 5000;
    expect(runUntilIdle(deleted, s, b, 5000)).toEqual({ applied: [], wakeAt: 7000 });
    expect(types(runUntilIdle(deleted, s, b, 7000).applied)).toEqual([
      'exitContainer',
      'finish',
      'deletePod',
    ]);
    expect(runUntilIdle(deleted, s, b, 8000).applied).toEqual([]);
  });

  it('deletes a finished pod at once', () => {
    const s = newPodState('u1', 0);
    s.finished = true;
    const deleted = pod({}, { deletionTimestamp: '2024-01-01T00:00:05Z' });
    expect(types(runUntilIdle(deleted, s, profile, 0).applied)).toEqual(['deletePod']);
  });
});
