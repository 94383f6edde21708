import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { computePodActions, isNoop, type PodActions } from './compute-pod-actions.js';
import { containerHash } from './labels.js';
import type { RuntimeContainerStatus, RuntimePodStatus } from './runtime-pod-status.js';

const now = new Date('2025-01-01T00:10:00Z');
const c = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'img', ...extra });
const pod = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: { containers: [c('a')], ...spec },
});
const sandbox = {
  id: 's1',
  name: 'p',
  namespace: 'ns',
  attempt: 0,
  ready: true,
  createdAt: now,
  ips: ['10.0.0.2'],
  hostNetwork: false,
};
let seq = 0;
const ctr = (
  spec: Container,
  state: RuntimeContainerStatus['state'],
  exitCode = 0,
  extra: Partial<RuntimeContainerStatus> = {},
) => ({
  id: `c${++seq}`,
  name: spec.name,
  sandboxId: 's1',
  state,
  kind: 'regular' as const,
  createdAt: new Date(now.getTime() - 60_000),
  startedAt: new Date(now.getTime() - 60_000),
  finishedAt: state === 'exited' ? new Date(now.getTime() - 30_000) : null,
  exitCode,
  reason: '',
  message: '',
  image: 'img',
  imageRef: 'sha256:1',
  hash: containerHash(spec),
  restartCount: 0,
  ...extra,
});
const status = (containers: RuntimeContainerStatus[], sandboxes = [sandbox]): RuntimePodStatus => ({
  uid: 'u',
  sandboxes,
  containers,
});

interface Case {
  name: string;
  pod: Pod;
  status: RuntimePodStatus;
  backoff?: Backoff;
  pastActiveDeadline?: boolean;
  expect: Partial<Record<keyof PodActions, unknown>> & {
    start?: string[];
    initStart?: string[];
    kill?: string[];
    backoff?: string[];
  };
}

const inBackoff = new Backoff();
inBackoff.next('u/a/' + containerHash(c('a')), new Date(now.getTime() - 30_000));
inBackoff.next('u/a/' + containerHash(c('a')), new Date(now.getTime() - 5_000));

const cases: Case[] = [
  {
    name: 'past activeDeadlineSeconds: kill everything, start nothing, no new sandbox',
    pod: pod({ initContainers: [c('i1')], containers: [c('a'), c('b')] }),
    status: status([ctr(c('i1'), 'exited', 0), ctr(c('a'), 'running')]),
    pastActiveDeadline: true,
    expect: { killPod: true, createSandbox: false, initStart: [], start: [], kill: [] },
  },
  {
    name: 'past activeDeadlineSeconds before any sandbox: nothing to kill, nothing created',
    pod: pod({}),
    status: status([], []),
    pastActiveDeadline: true,
    expect: { killPod: false, createSandbox: false, start: [] },
  },
  {
    name: 'new pod: create the sandbox, start every container',
    pod: pod({ containers: [c('a'), c('b')] }),
    status: status([], []),
    expect: { createSandbox: true, killPod: false, attempt: 0, start: ['a', 'b'] },
  },
  {
    name: 'new pod with init containers: only the first init container',
    pod: pod({ initContainers: [c('i1'), c('i2')] }),
    status: status([], []),
    expect: { createSandbox: true, initStart: ['i1'], start: [], nextInitContainerToStart: 'i1' },
  },
  {
    name: 'first init done: the second one',
    pod: pod({ initContainers: [c('i1'), c('i2')] }),
    status: status([ctr(c('i1'), 'exited', 0)]),
    expect: { createSandbox: false, sandboxID: 's1', initStart: ['i2'], start: [] },
  },
  {
    name: 'init running: wait',
    pod: pod({ initContainers: [c('i1')] }),
    status: status([ctr(c('i1'), 'running')]),
    expect: { initStart: [], start: [], killPod: false },
  },
  {
    name: 'init failed, OnFailure: restart it',
    pod: pod({ restartPolicy: 'OnFailure', initContainers: [c('i1')] }),
    status: status([ctr(c('i1'), 'exited', 1)]),
    expect: { initStart: ['i1'], start: [] },
  },
  {
    name: 'init failed, Never: the pod fails',
    pod: pod({ restartPolicy: 'Never', initContainers: [c('i1')] }),
    status: status([ctr(c('i1'), 'exited', 1)]),
    expect: { initFailed: true, killPod: true, initStart: [], start: [] },
  },
  {
    name: 'all init done: regular containers',
    pod: pod({ initContainers: [c('i1')], containers: [c('a'), c('b')] }),
    status: status([ctr(c('i1'), 'exited', 0)]),
    expect: { start: ['a', 'b'] },
  },
  {
    name: 'sidecar running and started: continue to the next init',
    pod: pod({ initContainers: [c('side', { restartPolicy: 'Always' }), c('i1')] }),
    status: status([ctr(c('side'), 'running')]),
    expect: { initStart: ['i1'] },
  },
  {
    name: 'running container: nothing to do',
    pod: pod({}),
    status: status([ctr(c('a'), 'running')]),
    expect: { start: [], kill: [], killPod: false, createSandbox: false },
  },
  {
    name: 'spec changed: kill and start again',
    pod: pod({ containers: [c('a', { args: ['x'] })] }),
    status: status([ctr(c('a'), 'running')]),
    expect: { kill: ['a'], start: ['a'] },
  },
  {
    name: 'exit 0 under Always: restart',
    pod: pod({ containers: [c('a'), c('b')] }),
    status: status([ctr(c('a'), 'exited', 0), ctr(c('b'), 'running')]),
    expect: { start: ['a'] },
  },
  {
    name: 'exit 0 under OnFailure with another running: leave it',
    pod: pod({ restartPolicy: 'OnFailure', containers: [c('a'), c('b')] }),
    status: status([ctr(c('a'), 'exited', 0), ctr(c('b'), 'running')]),
    expect: { start: [], killPod: false },
  },
  {
    name: 'exit 1 under OnFailure: restart',
    pod: pod({ restartPolicy: 'OnFailure' }),
    status: status([ctr(c('a'), 'exited', 1)]),
    expect: { start: ['a'] },
  },
  {
    name: 'all exited under Never: kill the pod (stop the sandbox)',
    pod: pod({ restartPolicy: 'Never' }),
    status: status([ctr(c('a'), 'exited', 1)]),
    expect: { start: [], killPod: true },
  },
  {
    name: 'crashed within the back-off: CrashLoopBackOff',
    pod: pod({}),
    status: status([ctr(c('a'), 'exited', 1, { finishedAt: new Date(now.getTime() - 5_000) })]),
    backoff: inBackoff,
    expect: { start: [], backoff: ['a'], killPod: false },
  },
  {
    name: 'sandbox died: new sandbox, attempt 1, restart',
    pod: pod({}),
    status: status([ctr(c('a'), 'exited', 137)], [{ ...sandbox, ready: false }]),
    expect: { killPod: true, createSandbox: true, attempt: 1, start: ['a'] },
  },
  {
    name: 'sandbox died under Never after containers ran: only kill',
    pod: pod({ restartPolicy: 'Never' }),
    status: status([ctr(c('a'), 'exited', 137)], [{ ...sandbox, ready: false }]),
    expect: { killPod: true, createSandbox: false, start: [] },
  },
];

describe('computePodActions', () => {
  it.each(cases)('$name', (tc) => {
    const a = computePodActions(
      tc.pod,
      tc.status,
      now,
      tc.backoff ?? new Backoff(),
      undefined,
      tc.pastActiveDeadline,
    );
    const { start, initStart, kill, backoff, ...rest } = tc.expect;
    expect(a).toMatchObject(rest);
    if (start) expect(a.containersToStart.map((x) => x.name)).toEqual(start);
    if (initStart) expect(a.initContainersToStart.map((x) => x.name)).toEqual(initStart);
    if (kill) expect(a.containersToKill.map((x) => x.name)).toEqual(kill);
    if (backoff) expect(a.containersInBackOff.map((x) => x.name)).toEqual(backoff);
  });

  it('back-off message and retry time as upstream', () => {
    const a = computePodActions(
      pod({}),
      status([ctr(c('a'), 'exited', 1, { finishedAt: new Date(now.getTime() - 5_000) })]),
      now,
      inBackoff,
    );
    expect(a.containersInBackOff[0]).toMatchObject({
      message: 'back-off 20s restarting failed container=a pod=p_ns(u)',
      retryAt: new Date(now.getTime() + 15_000),
    });
    expect(isNoop(a)).toBe(true);
  });
});

describe('Backoff', () => {
  it('doubles from 10 s to 5 min and starts over after 10 min without a failure', () => {
    const b = new Backoff();
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const delays: number[] = [];
    let t = t0;
    for (let i = 0; i < 7; i++) {
      b.next('k', new Date(t));
      delays.push(b.get('k'));
      t += b.get('k');
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(b.isInBackOffSince('k', new Date(t), new Date(t + 299_000))).toBe(true);
    b.next('k', new Date(t + 10 * 60_000 + 1));
    expect(b.get('k')).toBe(10_000);
  });
});
