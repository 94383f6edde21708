/**
 * Probes through the whole pod lifecycle on the sim runtime with a fake clock: exec probes run
 * through ExecSync, whose exit codes a test scripts per container and command.
 */
import type { Container, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ExecSyncResponse } from '../container/runtime.js';
import { lifecycleFixture } from '../testing/lifecycle-fixture.js';
import { FakeClock, SimRuntime } from '../container/sim-runtime.js';
import { createPodLifecycle } from '../pod-workers/index.js';

const logger = pino({ level: 'silent' });
const fixture = lifecycleFixture('cairn-prober-');

/** The sim runtime with scripted ExecSync exits: `exits(container, command)` (default 0). */
class ScriptedSim extends SimRuntime {
  exits: (container: string, cmd: string[]) => number = () => 0;
  readonly execs: { container: string; cmd: string }[] = [];
  override async execSync(id: string, cmd: string[] = []): Promise<ExecSyncResponse> {
    const c = this.containers.get(id);
    const container = c?.config.metadata.name ?? '';
    this.execs.push({ container, cmd: cmd.join(' ') });
    const code = this.exits(container, cmd);
    return { stdout: Buffer.alloc(0), stderr: Buffer.from(code ? `exit ${code}` : ''), exit_code: code };
  }
}

const execProbe = (cmd: string, extra: Partial<Probe> = {}): Probe => ({
  exec: { command: ['sh', '-c', cmd] },
  periodSeconds: 1,
  ...extra,
});

const c = (name: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'localhost/busybox:latest',
  imagePullPolicy: 'IfNotPresent',
  ...extra,
});

function makePod(spec: Partial<NonNullable<Pod['spec']>>): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [c('main')], restartPolicy: 'Always', ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

function setup() {
  const clock = new FakeClock();
  const runtime = new ScriptedSim({ clock });
  const statuses: { at: number; status: PodStatus }[] = [];
  const events: string[] = [];
  const lifecycle = createPodLifecycle({
    runtime,
    nodeName: 'node-1',
    logger,
    rootDir: fixture.rootDir,
    clock,
    cgroupRoot: null,
    hostIPs: ['192.168.1.10'],
    // a long resync: status writes here come from probe results and PLEG events, not the timer
    resyncIntervalMs: 600_000,
    readHostResolvConf: async () => 'nameserver 1.1.1.1\n',
    updatePodStatus: async (_pod, status) => {
      statuses.push({ at: clock.now().getTime(), status: structuredClone(status) });
    },
    deletePod: async () => undefined,
    recordEvent: (_pod, container, type, reason, message) =>
      events.push(`${type} ${reason} ${container}: ${message}`),
  });
  const last = () => statuses.at(-1)?.status;
  const settle = async () => {
    let quiet = 0;
    let seen = -1;
    while (quiet < 8) {
      await new Promise((r) => setTimeout(r, 2));
      const now = runtime.calls.length + statuses.length + runtime.execs.length;
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
  };
  const advance = async (ms: number, step = 250) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  const cond = (s: PodStatus | undefined, type: string) =>
    s?.conditions?.find((x) => x.type === type)?.status;
  return { clock, runtime, statuses, events, lifecycle, last, settle, advance, cond };
}

describe('probes in the pod lifecycle (sim runtime, fake clock)', () => {
  it('readiness: unready until the first success, then a failure flips ready and Ready at once', async () => {
    const t = setup();
    let ready = true;
    t.runtime.exits = () => (ready ? 0 : 1);
    await t.lifecycle.start(fixture.signal);
    const readinessProbe = execProbe('cat /tmp/ready', { periodSeconds: 5, failureThreshold: 1 });
    t.lifecycle.update(makePod({ containers: [c('main', { readinessProbe })] }));
    await t.settle();
    // running, probed at once after the start: ready without waiting a period
    const firstRunning = t.statuses.find((s) => s.status.containerStatuses?.[0]?.state?.running);
    expect(firstRunning?.status.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect(t.cond(firstRunning?.status, 'Ready')).toBe('False');
    await t.advance(250);
    expect(t.last()?.containerStatuses?.[0]?.ready).toBe(true);
    expect(t.cond(t.last(), 'ContainersReady')).toBe('True');
    expect(t.cond(t.last(), 'Ready')).toBe('True');

    ready = false;
    const before = t.statuses.length;
    const flippedAt = t.clock.now().getTime();
    await t.advance(5000);
    const unready = t.statuses.slice(before).find((s) => s.status.containerStatuses?.[0]?.ready === false);
    expect(unready).toBeDefined();
    // written on the probe's tick (period 5 s), not on a resync
    expect(unready!.at - flippedAt).toBeLessThanOrEqual(5000);
    expect(t.cond(unready!.status, 'Ready')).toBe('False');
    expect(unready!.status.conditions?.find((x) => x.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [main]',
    });
    expect(t.events).toContain('Warning Unhealthy main: Readiness probe failed: exit 1');
    // the container keeps running: readiness never kills
    expect(t.last()?.containerStatuses?.[0]?.state?.running).toBeTruthy();
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('startup probe gates readiness and liveness; started flips once it succeeds', async () => {
    const t = setup();
    let startedOk = false;
    t.runtime.exits = (_c, cmd) => (cmd.join(' ').includes('started') ? (startedOk ? 0 : 1) : 0);
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(
      makePod({
        containers: [
          c('main', {
            startupProbe: execProbe('test -f /tmp/started', { failureThreshold: 30 }),
            readinessProbe: execProbe('test -f /tmp/ready'),
            livenessProbe: execProbe('test -f /tmp/live'),
          }),
        ],
      }),
    );
    await t.advance(5000);
    expect(t.last()?.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
    expect(t.last()?.containerStatuses?.[0]?.state?.running).toBeTruthy();
    // only the startup probe ran so far
    expect(new Set(t.runtime.execs.map((e) => e.cmd))).toEqual(new Set(['sh -c test -f /tmp/started']));
    startedOk = true;
    await t.advance(2500);
    expect(t.last()?.containerStatuses?.[0]).toMatchObject({ started: true, ready: true });
    expect(t.cond(t.last(), 'Ready')).toBe('True');
    const cmds = new Set(t.runtime.execs.map((e) => e.cmd));
    expect(cmds.has('sh -c test -f /tmp/ready')).toBe(true);
    expect(cmds.has('sh -c test -f /tmp/live')).toBe(true);
    // once started, the startup probe is not run again
    const startupRuns = t.runtime.execs.filter((e) => e.cmd.includes('started')).length;
    await t.advance(5000, 1000);
    expect(t.runtime.execs.filter((e) => e.cmd.includes('started')).length).toBe(startupRuns);
  });

  it('liveness failure kills the container and restarts it: restartCount 1, lastState terminated', async () => {
    const t = setup();
    let alive = true;
    t.runtime.exits = () => (alive ? 0 : 1);
    await t.lifecycle.start(fixture.signal);
    const livenessProbe = execProbe('alive', { failureThreshold: 2 });
    t.lifecycle.update(makePod({ containers: [c('main', { livenessProbe })] }));
    await t.advance(3000);
    const firstID = t.last()?.containerStatuses?.[0]?.containerID;
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBe(0);
    alive = false;
    await t.advance(1000);
    // one failure is below the threshold
    expect(t.last()?.containerStatuses?.[0]?.containerID).toBe(firstID);
    alive = true; // the replacement is healthy
    alive = false;
    await t.advance(1000);
    alive = true;
    await t.advance(3000);
    const s = t.last()!.containerStatuses![0]!;
    expect(s.restartCount).toBe(1);
    expect(s.containerID).not.toBe(firstID);
    expect(s.state?.running).toBeTruthy();
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error', containerID: firstID });
    expect(
      t.events.filter((e) => e.startsWith('Warning Unhealthy main: Liveness probe failed')),
    ).toHaveLength(2);
    // the healthy replacement stays
    await t.advance(5000, 1000);
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('liveness failure under restartPolicy Never: killed, not restarted, pod Failed', async () => {
    const t = setup();
    t.runtime.exits = () => 1;
    await t.lifecycle.start(fixture.signal);
    const livenessProbe = execProbe('alive', { failureThreshold: 1, initialDelaySeconds: 2 });
    t.lifecycle.update(makePod({ restartPolicy: 'Never', containers: [c('main', { livenessProbe })] }));
    await t.advance(1000);
    expect(t.last()?.phase).toBe('Running');
    await t.advance(5000);
    expect(t.last()?.phase).toBe('Failed');
    expect(t.last()?.containerStatuses?.[0]).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 137 } },
    });
  });

  it('startup probe failure kills and restarts the container', async () => {
    const t = setup();
    t.runtime.exits = () => 1;
    await t.lifecycle.start(fixture.signal);
    const startupProbe = execProbe('never', { failureThreshold: 3 });
    t.lifecycle.update(makePod({ containers: [c('main', { startupProbe })] }));
    await t.advance(5000);
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
    expect(t.last()?.containerStatuses?.[0]?.started).toBe(false);
  });

  it('a deleted pod stops its probes', async () => {
    const t = setup();
    t.runtime.exits = () => 0;
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({
      terminationGracePeriodSeconds: 1,
      containers: [c('main', { readinessProbe: execProbe('r'), livenessProbe: execProbe('l') })],
    });
    t.lifecycle.update(pod);
    await t.advance(3000);
    t.lifecycle.update({
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: t.clock.now().toISOString() },
    });
    await t.advance(3000);
    const n = t.runtime.execs.length;
    await t.advance(5000, 1000);
    expect(t.runtime.execs.length).toBe(n);
  });
});
