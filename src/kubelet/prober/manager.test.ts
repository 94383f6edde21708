import type { Container, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../container/sim-runtime.js';
import { ProberManager } from './manager.js';
import type { ProbeType } from './prober.js';
import type { ProbeResult } from './results.js';

const logger = pino({ level: 'silent' });
const flush = () => new Promise((r) => setTimeout(r, 1));

/** A manager over one running container whose probe answers follow `script` (then Failure). */
function setup(container: Partial<Container>, script: ('Success' | 'Failure')[], startedAgoMs = 0) {
  const clock = new FakeClock();
  const startedAt = new Date(clock.now().getTime() - startedAgoMs).toISOString().replace(/\.\d+Z$/, 'Z');
  let containerID = 'sim://c1';
  const status = (): PodStatus => ({
    phase: 'Running',
    containerStatuses: [
      {
        name: 'main',
        containerID,
        state: { running: { startedAt } },
        ready: false,
        restartCount: 0,
        image: '',
        imageID: '',
      },
    ],
  });
  const pod: Pod = {
    metadata: { uid: 'u', name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'main', ...container }] },
  };
  const probes: { type: ProbeType; id: string; at: number }[] = [];
  const changes: string[] = [];
  let i = 0;
  const m = new ProberManager({
    runtime: { execSync: async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exit_code: 0 }) },
    clock,
    logger,
    podStatus: () => status(),
    onResultChange: (_uid, type, result: ProbeResult) => changes.push(`${type}=${result}`),
    prober: {
      probe: async (type, _pod, _status, _c, id) => {
        probes.push({ type, id, at: clock.now().getTime() });
        return script[i++] ?? 'Failure';
      },
    },
  });
  m.addPod(pod);
  const advance = async (ms: number) => {
    clock.advance(ms);
    await flush();
  };
  const replaceContainer = (id: string) => (containerID = id);
  return { clock, m, probes, changes, advance, replaceContainer };
}

const every10s = (extra: Partial<Probe> = {}): Probe => ({
  exec: { command: ['x'] },
  periodSeconds: 10,
  ...extra,
});

describe('ProberManager', () => {
  it('readiness: Failure until successThreshold successes, Failure again after failureThreshold failures', async () => {
    const t = setup({ readinessProbe: every10s({ successThreshold: 2, failureThreshold: 3 }) }, [
      'Success',
      'Success',
      'Failure',
      'Success',
      'Failure',
      'Failure',
      'Failure',
    ]);
    const changesAfter: string[] = [];
    await t.advance(0);
    changesAfter.push(t.changes.join());
    for (let n = 0; n < 6; n++) {
      await t.advance(10_000);
      changesAfter.push(t.changes.at(-1) ?? '');
    }
    expect(t.probes.map((p) => p.at - t.probes[0]!.at)).toEqual(
      [0, 10, 20, 30, 40, 50, 60].map((s) => s * 1000),
    );
    // the initial Failure, Success after the 2nd success in a row, Failure after the 3rd failure
    expect(changesAfter).toEqual([
      'readiness=Failure',
      'readiness=Success',
      'readiness=Success',
      'readiness=Success',
      'readiness=Success',
      'readiness=Success',
      'readiness=Failure',
    ]);
    expect(t.changes).toEqual(['readiness=Failure', 'readiness=Success', 'readiness=Failure']);
    expect(t.m.isReady('u', 'main', 'c1')).toBe(false);
  });

  it('no readiness probe: ready; no startup probe: started; liveness: live by default', () => {
    const t = setup({}, []);
    expect(t.m.isReady('u', 'main', 'c1')).toBe(true);
    expect(t.m.isStarted('u', 'main', 'c1')).toBe(true);
    expect(t.m.isLive('u', 'main', 'c1')).toBe(true);
    expect(t.m.workerCount).toBe(0);
  });

  it('initialDelaySeconds holds the first probe back', async () => {
    const t = setup({ livenessProbe: every10s({ periodSeconds: 1, initialDelaySeconds: 5 }) }, [
      'Success',
      'Success',
      'Success',
    ]);
    for (let n = 0; n < 8; n++) await t.advance(1000);
    expect(t.probes.length).toBeGreaterThan(0);
    expect(t.probes[0]!.at - (t.clock.now().getTime() - 8000)).toBe(5000);
  });

  it('liveness failure: held (no more probes) until the container is replaced, then probed afresh', async () => {
    const t = setup({ livenessProbe: every10s({ periodSeconds: 1, failureThreshold: 2 }) }, [
      'Failure',
      'Failure',
      'Success',
    ]);
    await t.advance(0);
    await t.advance(1000);
    expect(t.m.isLive('u', 'main', 'c1')).toBe(false);
    expect(t.changes).toEqual(['liveness=Failure']);
    await t.advance(1000);
    await t.advance(1000);
    expect(t.probes).toHaveLength(2);
    t.replaceContainer('sim://c2');
    await t.advance(1000);
    expect(t.probes.map((p) => p.id)).toEqual(['c1', 'c1', 'c2']);
    expect(t.m.isLive('u', 'main', 'c2')).toBe(true);
  });

  it('startup: others wait until it succeeds; it stops probing once started', async () => {
    const t = setup(
      {
        startupProbe: every10s({ periodSeconds: 1, failureThreshold: 10 }),
        readinessProbe: every10s({ periodSeconds: 1 }),
      },
      ['Failure', 'Failure', 'Success', 'Success', 'Success'],
    );
    await t.advance(0);
    await t.advance(1000);
    expect(t.m.isStarted('u', 'main', 'c1')).toBe(false);
    expect(t.probes.every((p) => p.type === 'startup')).toBe(true);
    await t.advance(1000);
    expect(t.m.isStarted('u', 'main', 'c1')).toBe(true);
    expect(t.changes).toContain('startup=Success');
    for (let n = 0; n < 3; n++) await t.advance(1000);
    const types = t.probes.map((p) => p.type);
    expect(types.filter((x) => x === 'startup')).toHaveLength(3);
    expect(types.filter((x) => x === 'readiness').length).toBeGreaterThanOrEqual(2);
    expect(t.m.isReady('u', 'main', 'c1')).toBe(true);
  });

  it('removePod stops the workers and forgets their results', async () => {
    const t = setup({ readinessProbe: every10s(), livenessProbe: every10s() }, ['Success', 'Success']);
    await t.advance(0);
    expect(t.m.workerCount).toBe(2);
    t.m.removePod({ metadata: { uid: 'u' } });
    expect(t.m.workerCount).toBe(0);
    const n = t.probes.length;
    await t.advance(60_000);
    expect(t.probes.length).toBe(n);
  });
});
