import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../container/sim-runtime.js';
import { ReasonCache } from '../kuberuntime/reason-cache.js';
import type { RuntimePodStatus } from '../kuberuntime/runtime-pod-status.js';
import { generateAPIPodStatus } from './generate.js';
import { getPhase } from './phase.js';
import { StatusManager } from './status-manager.js';

const running = (name: string): ContainerStatus => ({
  name,
  image: '',
  imageID: '',
  ready: true,
  restartCount: 0,
  state: { running: {} },
});
const exited = (name: string, exitCode: number): ContainerStatus => ({
  name,
  image: '',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode } },
});
const waiting = (name: string, lastExit?: number): ContainerStatus => ({
  name,
  image: '',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { waiting: { reason: 'X' } },
  ...(lastExit !== undefined ? { lastState: { terminated: { exitCode: lastExit } } } : {}),
});
const pod = (restartPolicy: string, containers: string[], init: string[] = []): Pod => ({
  spec: {
    restartPolicy,
    containers: containers.map((name) => ({ name })),
    initContainers: init.map((name) => ({ name })),
  },
});

describe('getPhase', () => {
  const cases: [string, Pod, ContainerStatus[], ContainerStatus[], boolean, string][] = [
    ['nothing yet', pod('Always', ['a']), [], [], false, 'Pending'],
    ['waiting to be created', pod('Always', ['a']), [], [waiting('a')], false, 'Pending'],
    ['init running', pod('Always', ['a'], ['i']), [running('i')], [waiting('a')], false, 'Pending'],
    ['init failed, Never', pod('Never', ['a'], ['i']), [exited('i', 1)], [waiting('a')], false, 'Failed'],
    [
      'init failed, OnFailure: retried',
      pod('OnFailure', ['a'], ['i']),
      [waiting('i', 1)],
      [waiting('a')],
      false,
      'Pending',
    ],
    ['running', pod('Always', ['a', 'b']), [], [running('a'), exited('b', 0)], false, 'Running'],
    ['all exit 0, Never', pod('Never', ['a', 'b']), [], [exited('a', 0), exited('b', 0)], false, 'Succeeded'],
    ['one failed, Never', pod('Never', ['a', 'b']), [], [exited('a', 0), exited('b', 1)], false, 'Failed'],
    ['all exit 0, OnFailure', pod('OnFailure', ['a']), [], [exited('a', 0)], false, 'Succeeded'],
    ['failed, OnFailure: restarting', pod('OnFailure', ['a']), [], [waiting('a', 1)], false, 'Running'],
    ['exit 0, Always: restarting', pod('Always', ['a']), [], [exited('a', 0)], false, 'Running'],
    ['crash loop, Always', pod('Always', ['a']), [], [waiting('a', 1)], false, 'Running'],
    ['terminal pod, exit 0', pod('Always', ['a']), [], [exited('a', 0)], true, 'Succeeded'],
    ['terminal pod, killed', pod('Always', ['a']), [], [exited('a', 137)], true, 'Failed'],
  ];
  it.each(cases)('%s', (_n, p, init, regular, terminal, phase) => {
    expect(getPhase(p, init, regular, terminal)).toBe(phase);
  });
});

const now = new Date('2025-01-01T00:00:00Z');
const runtime: RuntimePodStatus = {
  uid: 'u',
  sandboxes: [
    {
      id: 's',
      name: 'p',
      namespace: 'ns',
      attempt: 0,
      ready: true,
      createdAt: now,
      ips: ['10.0.0.5'],
      hostNetwork: false,
    },
  ],
  containers: [
    {
      id: 'c1',
      name: 'a',
      sandboxId: 's',
      state: 'running',
      kind: 'regular',
      createdAt: now,
      startedAt: now,
      finishedAt: null,
      exitCode: 0,
      reason: '',
      message: '',
      image: 'img',
      imageRef: 'sha256:abc',
      hash: '',
      restartCount: 2,
    },
    {
      id: 'c0',
      name: 'a',
      sandboxId: 's',
      state: 'exited',
      kind: 'regular',
      createdAt: new Date(0),
      startedAt: new Date(0),
      finishedAt: new Date(1000),
      exitCode: 137,
      reason: 'OOMKilled',
      message: '',
      image: 'img',
      imageRef: 'sha256:abc',
      hash: '',
      restartCount: 1,
    },
  ],
};

describe('generateAPIPodStatus', () => {
  const gated = (conditions: PodStatus['conditions']): Pod => ({
    metadata: { uid: 'u', name: 'p', namespace: 'ns' },
    spec: {
      containers: [{ name: 'a', image: 'img' }],
      readinessGates: [{ conditionType: 'example.com/gate' }],
    },
    status: { conditions },
  });
  const gen = (p: Pod) =>
    generateAPIPodStatus({
      pod: p,
      runtime,
      reasons: new ReasonCache(),
      runtimeName: 'containerd',
      hostIPs: ['192.168.0.1'],
      now,
      podIsTerminal: false,
    });

  it('running container with lastState, IPs, conditions; Ready held by a missing readiness gate', () => {
    const s = gen(
      gated([{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }]),
    );
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.0.0.5');
    expect(s.hostIPs).toEqual([{ ip: '192.168.0.1' }]);
    expect(s.containerStatuses?.[0]).toMatchObject({
      containerID: 'containerd://c1',
      imageID: 'sha256:abc',
      restartCount: 2,
      ready: true,
      started: true,
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', containerID: 'containerd://c0' } },
    });
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message: 'corresponding condition of pod readiness gate "example.com/gate" does not exist.',
    });
    expect(s.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(
      '2024-01-01T00:00:00Z',
    );
  });

  it('a gate set True by a client makes the pod Ready, and its condition is kept', () => {
    const s = gen(gated([{ type: 'example.com/gate', status: 'True' }]));
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(s.conditions?.find((c) => c.type === 'example.com/gate')?.status).toBe('True');
    const f = gen(gated([{ type: 'example.com/gate', status: 'False' }]));
    expect(f.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      'the status of pod readiness gate "example.com/gate" is not "True", but False',
    );
  });
});

describe('activeDeadlineSeconds in the status', () => {
  const withDeadline = (seconds: number): Pod => ({
    metadata: { uid: 'u', name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'a', image: 'img' }], activeDeadlineSeconds: seconds },
  });
  const gen = (p: Pod, previous: PodStatus, at: Date) =>
    generateAPIPodStatus({
      pod: p,
      runtime,
      reasons: new ReasonCache(),
      runtimeName: 'containerd',
      hostIPs: [],
      now: at,
      podIsTerminal: false,
      previous,
    });
  const started = { phase: 'Running', startTime: '2025-01-01T00:00:00Z' } as PodStatus;

  it('Running before the deadline; Failed DeadlineExceeded from it on, and kept after', () => {
    const before = gen(withDeadline(30), started, new Date('2025-01-01T00:00:29.999Z'));
    expect(before).toMatchObject({ phase: 'Running' });
    expect(before.reason).toBeUndefined();
    const at = gen(withDeadline(30), started, new Date('2025-01-01T00:00:30Z'));
    expect(at).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
      startTime: '2025-01-01T00:00:00Z',
    });
    // the deadline raised again (not through the API, which refuses it): still failed
    expect(gen(withDeadline(3600), at, new Date('2025-01-01T00:01:00Z'))).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
    });
  });

  it('a pod that finished before its deadline keeps its phase', () => {
    const done = { ...started, phase: 'Succeeded' } as PodStatus;
    const s = gen(withDeadline(30), done, new Date('2025-01-01T01:00:00Z'));
    expect(s.reason).toBeUndefined();
  });
});

describe('StatusManager', () => {
  it('writes only changes, ignores condition timestamps, never leaves a terminal phase', async () => {
    const writes: PodStatus[] = [];
    const m = new StatusManager({
      updatePodStatus: async (_p, s) => void writes.push(s),
      logger: pino({ level: 'silent' }),
    });
    const p: Pod = { metadata: { uid: 'u' } };
    m.setPodStatus(p, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'a' }],
    });
    await m.flush('u');
    m.setPodStatus(p, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'b' }],
    });
    await m.flush('u');
    expect(writes).toHaveLength(1);
    m.setPodStatus(p, { phase: 'Succeeded' });
    await m.flush('u');
    m.setPodStatus(p, { phase: 'Running' });
    await m.flush('u');
    expect(writes.map((w) => w.phase)).toEqual(['Running', 'Succeeded']);
  });

  it('retries a failed write after a back-off, so a status reached while the server was down is sent', async () => {
    const clock = new FakeClock();
    let up = false;
    const writes: string[] = [];
    const m = new StatusManager({
      updatePodStatus: async (_p, s) => {
        if (!up) throw new Error('connect ECONNREFUSED');
        writes.push(s.phase ?? '');
      },
      logger: pino({ level: 'silent' }),
      clock,
    });
    const p: Pod = { metadata: { uid: 'u' } };
    m.setPodStatus(p, { phase: 'Failed' }); // no sync follows a finished pod
    await m.flush('u');
    expect(writes).toEqual([]);
    clock.advance(1000); // retried after 1 s: still down
    await m.flush('u');
    up = true;
    clock.advance(1999); // the next retry waits 2 s
    await m.flush('u');
    expect(writes).toEqual([]);
    clock.advance(1);
    await m.flush('u');
    expect(writes).toEqual(['Failed']);
    clock.advance(60_000); // nothing left to retry
    await m.flush('u');
    expect(writes).toEqual(['Failed']);
  });
});
