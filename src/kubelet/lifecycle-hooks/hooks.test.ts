/** postStart and preStop through the pod lifecycle on the sim runtime with a fake clock. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecSyncResponse } from '../container/runtime.js';
import { lifecycleFixture } from '../testing/lifecycle-fixture.js';
import { FakeClock, SimRuntime } from '../container/sim-runtime.js';
import { createPodLifecycle } from '../pod-workers/index.js';
import { HandlerRunner } from './handlers.js';

const logger = pino({ level: 'silent' });
const fixture = lifecycleFixture('cairn-hooks-');

class HookSim extends SimRuntime {
  execExit = 0;
  readonly log: string[] = [];
  constructor(private readonly clock: FakeClock) {
    super({ clock });
  }
  private t = () => `${(this.clock.now().getTime() - Date.parse('2025-01-01T00:00:00Z')) / 1000}s`;
  override async execSync(id: string, cmd: string[] = []): Promise<ExecSyncResponse> {
    this.log.push(`${this.t()} exec ${cmd.join(' ')}`);
    this.containers.get(id);
    return { stdout: Buffer.from('nope'), stderr: Buffer.alloc(0), exit_code: this.execExit };
  }
  override async stopContainer(id: string, timeoutSeconds = 0): Promise<void> {
    this.log.push(`${this.t()} stop ${timeoutSeconds}`);
    return super.stopContainer(id, timeoutSeconds);
  }
}

const c = (extra: Partial<Container> = {}): Container => ({
  name: 'main',
  image: 'localhost/busybox:latest',
  imagePullPolicy: 'IfNotPresent',
  ...extra,
});
const makePod = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'uid-1' },
  spec: { containers: [c()], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...spec },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
});

function setup() {
  const clock = new FakeClock();
  const runtime = new HookSim(clock);
  const statuses: PodStatus[] = [];
  const events: string[] = [];
  const lifecycle = createPodLifecycle({
    runtime,
    nodeName: 'node-1',
    logger,
    rootDir: fixture.rootDir,
    clock,
    cgroupRoot: null,
    hostIPs: ['192.168.1.10'],
    readHostResolvConf: async () => '',
    updatePodStatus: async (_pod, status) => {
      statuses.push(structuredClone(status));
    },
    deletePod: async () => undefined,
    recordEvent: (_pod, container, _type, reason, message) =>
      events.push(`${reason} ${container}: ${message}`),
  });
  const settle = async () => {
    let quiet = 0;
    let seen = -1;
    while (quiet < 8) {
      await new Promise((r) => setTimeout(r, 2));
      const now = runtime.calls.length + statuses.length + runtime.log.length;
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
  };
  const advance = async (ms: number, step = 500) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  return { clock, runtime, statuses, events, lifecycle, last: () => statuses.at(-1), settle, advance };
}

describe('lifecycle hooks (sim runtime, fake clock)', () => {
  it('postStart: the container shows Running only once the hook finished', async () => {
    const t = setup();
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(makePod({ containers: [c({ lifecycle: { postStart: { sleep: { seconds: 5 } } } })] }));
    await t.advance(4000);
    expect(t.statuses.some((s) => s.containerStatuses?.[0]?.state?.running)).toBe(false);
    expect(t.runtime.calls).toContain('StartContainer');
    await t.advance(2000);
    expect(t.last()?.containerStatuses?.[0]?.state?.running).toBeTruthy();
    expect(t.last()?.phase).toBe('Running');
  });

  it('postStart failure: FailedPostStartHook event, the container is killed and restarted', async () => {
    const t = setup();
    t.runtime.execExit = 1;
    await t.lifecycle.start(fixture.signal);
    t.lifecycle.update(
      makePod({ containers: [c({ lifecycle: { postStart: { exec: { command: ['false'] } } } })] }),
    );
    await t.settle();
    await t.advance(1000);
    // the container was started, its hook failed, then it was killed for it
    expect(t.events.slice(2, 5).map((e) => e.split(':')[0])).toEqual([
      'Started main',
      'FailedPostStartHook main',
      'Killing main',
    ]);
    expect(t.events).toContain('Killing main: FailedPostStartHook');
    expect(t.events[3]).toMatch(
      /^FailedPostStartHook main: Exec lifecycle hook \(\["false"\]\) for Container "main" in Pod "p_default\(uid-1\)" failed - error: command 'false' exited with 1/,
    );
    expect(t.runtime.log.slice(0, 2)).toEqual(['0s exec false', '0s stop 30']);
    const waiting = t.statuses.find(
      (s) => s.containerStatuses?.[0]?.state?.waiting?.reason === 'PostStartHookError',
    );
    expect(waiting?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    await t.advance(2000);
    expect(t.last()?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
  });

  it('preStop runs before StopContainer on deletion; StopContainer gets the grace period left', async () => {
    const t = setup();
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({
      containers: [c({ lifecycle: { preStop: { sleep: { seconds: 4 } } } })],
      terminationGracePeriodSeconds: 10,
    });
    t.lifecycle.update(pod);
    await t.settle();
    await t.advance(1000);
    t.lifecycle.update({
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: t.clock.now().toISOString() },
    });
    await t.settle();
    await t.advance(6000);
    expect(t.runtime.log).toEqual(['5s stop 6']); // deleted at 1 s, 4 s of preStop, 10 - 4 left
  });

  it('a preStop hook longer than the grace period is cut short; StopContainer gets the 2 s minimum', async () => {
    const t = setup();
    await t.lifecycle.start(fixture.signal);
    const pod = makePod({
      containers: [c({ lifecycle: { preStop: { exec: { command: ['sleep', '100'] } } } })],
    });
    t.runtime.execSync = (() => new Promise<ExecSyncResponse>(() => undefined)) as HookSim['execSync'];
    t.lifecycle.update(pod);
    await t.settle();
    await t.advance(1000);
    t.lifecycle.update({
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: t.clock.now().toISOString(),
        deletionGracePeriodSeconds: 3,
      },
    });
    await t.settle();
    await t.advance(5000);
    expect(t.runtime.log).toEqual(['4s stop 2']); // deleted at 1 s, cut at 3 s of grace
  });
});

describe('HandlerRunner httpGet', () => {
  let server: Server;
  let port = 0;
  const paths: string[] = [];
  beforeEach(async () => {
    server = createServer((req, res) => {
      paths.push(`${req.url} ${req.headers['x-hook']}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => server.close());

  it('GETs the pod IP (from the sandbox) with headers; any answer succeeds, a refused connection fails', async () => {
    const runtime = {
      execSync: async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exit_code: 0 }),
      podSandboxStatus: async () => ({
        status: { network: { ip: '127.0.0.1', additional_ips: [] } },
      }),
    } as unknown as ConstructorParameters<typeof HandlerRunner>[0]['runtime'];
    const runner = new HandlerRunner({ runtime, clock: new FakeClock() });
    const target = {
      pod: makePod({}),
      container: c({ ports: [{ name: 'web', containerPort: port }] }),
      containerID: 'c1',
      sandboxID: 's1',
    };
    const handler = {
      httpGet: { port: 'web', path: 'hook', httpHeaders: [{ name: 'X-Hook', value: 'yes' }] },
    };
    expect(await runner.run(target, handler)).toBeNull();
    expect(paths).toEqual(['/hook yes']);
    const refused = await runner.run(target, { httpGet: { port: 1, host: '127.0.0.1' } });
    expect(refused).toMatch(
      /^HTTP lifecycle hook \(http:\/\/127\.0\.0\.1:1\/\) for Container "main" .* failed - error: /,
    );
  });
});
