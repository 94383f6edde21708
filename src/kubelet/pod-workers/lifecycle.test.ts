import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lifecycleFixture } from '../testing/lifecycle-fixture.js';
import { FakeClock, SimRuntime, type SimBehaviour } from '../container/sim-runtime.js';
import { createPodLifecycle } from './index.js';

const logger = pino({ level: 'silent' });
const fixture = lifecycleFixture('cairn-lifecycle-');

const c = (name: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'localhost/busybox:latest',
  imagePullPolicy: 'IfNotPresent',
  ...extra,
});

function makePod(spec: Partial<NonNullable<Pod['spec']>>, uid = 'uid-1'): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid },
    spec: { containers: [c('main')], restartPolicy: 'Always', ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

/** A lifecycle on the sim runtime; `behaviour` by container name (and attempt). */
function setup(behaviour: (name: string, attempt: number) => SimBehaviour | undefined) {
  const clock = new FakeClock();
  const runtime = new SimRuntime({
    clock,
    behaviour: (cfg) => behaviour(cfg.metadata.name, cfg.metadata.attempt),
  });
  const statuses: PodStatus[] = [];
  const deleted: Pod[] = [];
  const events: string[] = [];
  const lifecycle = createPodLifecycle({
    events: {
      pod: (_pod, type, reason, message) => events.push(`pod ${type} ${reason}: ${message}`),
      container: (_pod, name, type, reason, message) => events.push(`${name} ${type} ${reason}: ${message}`),
    },
    runtime,
    nodeName: 'node-1',
    logger,
    rootDir: fixture.rootDir,
    clock,
    cgroupRoot: null,
    hostIPs: ['192.168.1.10'],
    readHostResolvConf: async () => 'nameserver 1.1.1.1\n',
    updatePodStatus: async (_pod, status) => {
      statuses.push(structuredClone(status));
    },
    deletePod: async (pod) => {
      deleted.push(pod);
    },
  });
  const last = () => statuses[statuses.length - 1];
  /** Lets the async workers run until they go quiet (real event-loop turns; fake time does not move). */
  const settle = async () => {
    let quiet = 0;
    let seen = -1;
    while (quiet < 8) {
      await new Promise((r) => setTimeout(r, 2));
      const now = runtime.calls.length + statuses.length + deleted.length;
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
  };
  /** Advances fake time in steps, letting the workers react after each one. */
  const advance = async (ms: number, step = 500) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  return { clock, runtime, statuses, deleted, events, lifecycle, last, settle, advance };
}

describe('pod lifecycle on the sim runtime', () => {
  it('runs 2 init containers in order, then 2 containers: Pending → Running', async () => {
    const t = setup((name) => (name.startsWith('init') ? { exit: { code: 0, afterMs: 300 } } : undefined));
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ initContainers: [c('init-1'), c('init-2')], containers: [c('a'), c('b')] }));
    await t.settle();
    expect(t.last()?.phase).toBe('Pending');
    expect(t.last()?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect([...t.runtime.containers.values()].map((x) => x.config.metadata.name)).toEqual(['init-1']);
    await t.advance(3000);
    const names = [...t.runtime.containers.values()].map((x) => x.config.metadata.name);
    expect(names).toEqual(['init-1', 'init-2', 'a', 'b']);
    const s = t.last()!;
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.244.0.1');
    expect(s.hostIP).toBe('192.168.1.10');
    const cond = Object.fromEntries((s.conditions ?? []).map((x) => [x.type, x.status]));
    expect(cond).toEqual({
      PodReadyToStartContainers: 'True',
      Initialized: 'True',
      Ready: 'True',
      ContainersReady: 'True',
      PodScheduled: 'True',
    });
    expect(s.initContainerStatuses?.map((x) => x.state?.terminated?.reason)).toEqual([
      'Completed',
      'Completed',
    ]);
    expect(
      s.containerStatuses?.every((x) => x.ready && x.state?.running && x.containerID?.startsWith('sim://')),
    ).toBe(true);
  });

  it('records events: image present, Created, Started per container in order; Killing on deletion', async () => {
    const t = setup((name) => (name === 'init-1' ? { exit: { code: 0, afterMs: 300 } } : undefined));
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({
      initContainers: [c('init-1')],
      containers: [c('a')],
      terminationGracePeriodSeconds: 1,
    });
    t.lifecycle.update(pod);
    await t.settle();
    await t.advance(1000);
    const image = 'localhost/busybox:latest';
    expect(t.events).toEqual([
      `init-1 Normal Pulled: Container image "${image}" already present on machine`,
      'init-1 Normal Created: Created container: init-1',
      'init-1 Normal Started: Started container init-1',
      `a Normal Pulled: Container image "${image}" already present on machine`,
      'a Normal Created: Created container: a',
      'a Normal Started: Started container a',
    ]);
    t.events.length = 0;
    t.lifecycle.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
    await t.advance(2000);
    expect(t.events).toEqual(['a Normal Killing: Stopping container a']);
  });

  it('activeDeadlineSeconds: Failed DeadlineExceeded at the deadline, containers killed, an event', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ activeDeadlineSeconds: 5, terminationGracePeriodSeconds: 1 }));
    await t.settle();
    expect(t.last()?.phase).toBe('Running');
    await t.advance(4000);
    expect(t.last()?.phase).toBe('Running');
    await t.advance(3000);
    expect(t.last()).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect([...t.runtime.containers.values()].map((x) => x.state)).toEqual(['CONTAINER_EXITED']);
    expect(t.last()?.containerStatuses?.[0]?.state?.terminated).toBeDefined();
    expect(t.events).toContain(
      'pod Normal DeadlineExceeded: Pod was active on the node longer than the specified deadline',
    );
    // nothing starts again
    await t.advance(20_000, 2000);
    expect(t.runtime.containers.size).toBe(1);
  });

  it('restarts a failing container under OnFailure with back-off 10 s, 20 s, 40 s (CrashLoopBackOff)', async () => {
    const t = setup(() => ({ exit: { code: 1, afterMs: 100 } }));
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ restartPolicy: 'OnFailure' }));
    await t.settle();
    const starts: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      await t.advance(500);
      for (const x of t.runtime.containers.values()) {
        if (!seen.has(x.id) && x.startedAt !== '0') {
          seen.add(x.id);
          starts.push(Number(BigInt(x.startedAt) / 1_000_000n));
        }
      }
    }
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    // the first restart follows the first death at once (PLEG period), then 10 s, 20 s, 40 s, 80 s
    expect(gaps[0]).toBeLessThan(2000);
    for (const [i, expected] of [10_000, 20_000, 40_000].entries()) {
      expect(gaps[i + 1]).toBeGreaterThanOrEqual(expected);
      expect(gaps[i + 1]).toBeLessThan(expected + 2000);
    }
    const backoffStatus = t.statuses.find(
      (s) => s.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    expect(backoffStatus?.containerStatuses?.[0]?.state?.waiting?.message).toMatch(
      /^back-off 10s restarting failed container=main pod=p_default\(uid-1\)$/,
    );
    expect(t.events).toContain(
      'main Warning BackOff: Back-off restarting failed container main in pod p_default(uid-1)',
    );
    expect(backoffStatus?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(t.last()?.phase).toBe('Running');
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(4);
  });

  it('Never + exit 1 → Failed; the sandbox is stopped, containers kept for logs', async () => {
    const t = setup(() => ({ exit: { code: 1, afterMs: 100 } }));
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ restartPolicy: 'Never' }));
    await t.advance(3000);
    const s = t.last()!;
    expect(s.phase).toBe('Failed');
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(s.containerStatuses?.[0]?.restartCount).toBe(0);
    expect([...t.runtime.sandboxes.values()].map((x) => x.state)).toEqual(['SANDBOX_NOTREADY']);
    expect(t.runtime.containers.size).toBe(1);
  });

  it('all containers exit 0 under Never → Succeeded, ContainersReady False PodCompleted', async () => {
    const t = setup(() => ({ exit: { code: 0, afterMs: 200 } }));
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ restartPolicy: 'Never', containers: [c('a'), c('b')] }));
    await t.advance(3000);
    const s = t.last()!;
    expect(s.phase).toBe('Succeeded');
    expect(s.containerStatuses?.map((x) => x.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(s.conditions?.find((x) => x.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
    // no further writes once terminal
    const count = t.statuses.length;
    await t.advance(30_000, 5000);
    expect(t.statuses.length).toBe(count);
  });

  it('a failed init container under Never fails the pod; app containers never start', async () => {
    const t = setup((name) => (name === 'init' ? { exit: { code: 2, afterMs: 100 } } : undefined));
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ restartPolicy: 'Never', initContainers: [c('init')] }));
    await t.advance(3000);
    expect(t.last()?.phase).toBe('Failed');
    expect(t.last()?.conditions?.find((x) => x.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
    expect([...t.runtime.containers.values()].map((x) => x.config.metadata.name)).toEqual(['init']);
  });

  it('deletion: containers stopped with the grace period, everything removed, deletePod called', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({ terminationGracePeriodSeconds: 30 });
    t.lifecycle.update(pod);
    await t.advance(2000);
    expect(t.last()?.phase).toBe('Running');
    t.lifecycle.update({
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: t.clock.now().toISOString(),
        deletionGracePeriodSeconds: 5,
      },
    });
    await t.advance(2000);
    expect(t.deleted.map((p) => p.metadata?.uid)).toEqual(['uid-1']);
    expect(t.runtime.sandboxes.size).toBe(0);
    expect(t.runtime.containers.size).toBe(0);
    expect(t.last()?.phase).toBe('Failed');
    expect(t.last()?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
  });

  it('a pod removed from the API gets its containers killed, without deletePod', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({});
    t.lifecycle.update(pod);
    await t.advance(1000);
    t.lifecycle.remove(pod);
    await t.advance(1000);
    expect(t.runtime.sandboxes.size).toBe(0);
    expect(t.deleted).toEqual([]);
  });

  it('image pull failure: ErrImagePull, then ImagePullBackOff; Never pull policy: ErrImageNeverPull', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(
      makePod({
        containers: [
          c('a', { image: 'example.com/x:1' }),
          c('b', { image: 'nope:1', imagePullPolicy: 'Never' }),
        ],
      }),
    );
    await t.settle();
    const reasons = () => t.last()?.containerStatuses?.map((x) => x.state?.waiting?.reason);
    await t.advance(1000);
    const seen = t.statuses.map((s) => s.containerStatuses?.map((x) => x.state?.waiting?.reason).join());
    expect(seen).toContain('ErrImagePull,ErrImageNeverPull');
    expect(reasons()).toEqual(['ImagePullBackOff', 'ErrImageNeverPull']);
    // the pull is retried only once the 10 s back-off has passed
    const pulls = () => t.runtime.calls.filter((x) => x === 'PullImage').length;
    expect(pulls()).toBe(1);
    await t.advance(8000, 1000);
    expect(pulls()).toBe(1);
    await t.advance(12_000, 1000);
    expect(pulls()).toBe(2);
    expect(t.last()?.phase).toBe('Pending');
    const a = t.events.filter((e) => e.startsWith('a '));
    expect(a.slice(0, 3)).toEqual([
      'a Normal Pulling: Pulling image "example.com/x:1"',
      expect.stringMatching(/^a Warning Failed: Failed to pull image "example.com\/x:1": .+/),
      'a Warning Failed: Error: ErrImagePull',
    ]);
    expect(a).toContain('a Normal BackOff: Back-off pulling image "example.com/x:1"');
    expect(a).toContain('a Warning Failed: Error: ImagePullBackOff');
    expect(t.events).toContain(
      'b Warning ErrImageNeverPull: Container image "nope:1" is not present with pull policy of Never',
    );
    expect(t.events).toContain('b Warning Failed: Error: ErrImageNeverPull');
  });

  it('a restarted agent adopts running pods without restarting containers', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({});
    t.lifecycle.update(pod);
    await t.advance(1000);
    const before = [...t.runtime.containers.keys()];
    fixture.abort();
    const again = createPodLifecycle({
      runtime: t.runtime,
      nodeName: 'node-1',
      logger,
      rootDir: fixture.rootDir,
      clock: t.clock,
      cgroupRoot: null,
      hostIPs: ['192.168.1.10'],
      updatePodStatus: async () => undefined,
      deletePod: async () => undefined,
    });
    const second = new AbortController();
    await again.start(second.signal);
    again.update({ ...pod, status: t.last() });
    await t.advance(5000);
    expect([...t.runtime.containers.keys()]).toEqual(before);
    second.abort();
  });

  it('terminates orphaned pods the runtime holds after the grace period', async () => {
    const t = setup(() => undefined);
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({}, 'uid-orphan'));
    await t.advance(1000);
    fixture.abort();
    const again = createPodLifecycle({
      runtime: t.runtime,
      nodeName: 'node-1',
      logger,
      rootDir: fixture.rootDir,
      clock: t.clock,
      cgroupRoot: null,
      updatePodStatus: async () => undefined,
      deletePod: async () => undefined,
      orphanGracePeriodMs: 5000,
    });
    const second = new AbortController();
    await again.start(second.signal);
    await t.advance(10_000);
    expect(t.runtime.sandboxes.size).toBe(0);
    second.abort();
  });
});
