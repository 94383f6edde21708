import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { podTable, printPod, summarizePod } from './pod.js';

const now = new Date('2024-05-01T12:00:00Z');

function pod(
  status: PodStatus,
  opts: { inits?: number; sidecars?: number; containers?: number; deleting?: boolean } = {},
): Pod {
  const inits = [
    ...Array.from({ length: opts.inits ?? 0 }, (_, i) => ({ name: `init${i}`, image: 'i' })),
    ...Array.from({ length: opts.sidecars ?? 0 }, (_, i) => ({
      name: `side${i}`,
      image: 'i',
      restartPolicy: 'Always',
    })),
  ];
  return {
    metadata: {
      name: 'p',
      creationTimestamp: '2024-05-01T11:55:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}),
    },
    spec: {
      initContainers: inits,
      containers: Array.from({ length: opts.containers ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'i' })),
    },
    status,
  };
}

const cs = (
  name: string,
  state: ContainerStatus['state'],
  extra: Partial<ContainerStatus> = {},
): ContainerStatus => ({
  name,
  image: 'i',
  imageID: '',
  ready: false,
  restartCount: 0,
  state,
  ...extra,
});
const running = (name: string, ready = true): ContainerStatus =>
  cs(name, { running: { startedAt: '2024-05-01T11:56:00Z' } }, { ready });
const waiting = (name: string, reason: string): ContainerStatus => cs(name, { waiting: { reason } });
const terminated = (name: string, exitCode: number, reason?: string, signal?: number): ContainerStatus =>
  cs(name, { terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) } });
const readyCond = (status: 'True' | 'False') => ({ type: 'Ready', status });

describe('pod STATUS / READY', () => {
  it.each<[string, Pod, string, string]>([
    ['pending, not scheduled', pod({ phase: 'Pending' }), 'Pending', '0/1'],
    [
      'scheduling gated',
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      }),
      'SchedulingGated',
      '0/1',
    ],
    [
      'creating',
      pod({ phase: 'Pending', containerStatuses: [waiting('c0', 'ContainerCreating')] }),
      'ContainerCreating',
      '0/1',
    ],
    [
      'image pull error',
      pod({ phase: 'Pending', containerStatuses: [waiting('c0', 'ErrImagePull')] }),
      'ErrImagePull',
      '0/1',
    ],
    [
      'running and ready',
      pod({ phase: 'Running', conditions: [readyCond('True')], containerStatuses: [running('c0')] }),
      'Running',
      '1/1',
    ],
    [
      'running, one not ready',
      pod({ phase: 'Running', containerStatuses: [running('c0'), running('c1', false)] }, { containers: 2 }),
      'Running',
      '1/2',
    ],
    [
      'crash loop',
      pod({ phase: 'Running', containerStatuses: [waiting('c0', 'CrashLoopBackOff')] }),
      'CrashLoopBackOff',
      '0/1',
    ],
    [
      'completed',
      pod({ phase: 'Succeeded', containerStatuses: [terminated('c0', 0, 'Completed')] }),
      'Completed',
      '0/1',
    ],
    ['error', pod({ phase: 'Failed', containerStatuses: [terminated('c0', 1, 'Error')] }), 'Error', '0/1'],
    [
      'OOMKilled',
      pod({ phase: 'Running', containerStatuses: [terminated('c0', 137, 'OOMKilled')] }),
      'OOMKilled',
      '0/1',
    ],
    [
      'signal without reason',
      pod({ phase: 'Failed', containerStatuses: [terminated('c0', 0, undefined, 9)] }),
      'Signal:9',
      '0/1',
    ],
    [
      'exit code without reason',
      pod({ phase: 'Failed', containerStatuses: [terminated('c0', 2)] }),
      'ExitCode:2',
      '0/1',
    ],
    [
      'completed container, another still running and ready',
      pod(
        {
          phase: 'Running',
          conditions: [readyCond('True')],
          containerStatuses: [terminated('c0', 0, 'Completed'), running('c1')],
        },
        { containers: 2 },
      ),
      'Running',
      '1/2',
    ],
    [
      'completed container, pod not ready',
      pod(
        {
          phase: 'Running',
          conditions: [readyCond('False')],
          containerStatuses: [running('c1'), terminated('c0', 0, 'Completed')],
        },
        { containers: 2 },
      ),
      'NotReady',
      '1/2',
    ],
    [
      'init running',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [running('init0', false), waiting('init1', 'PodInitializing')],
        },
        { inits: 2 },
      ),
      'Init:0/2',
      '0/1',
    ],
    [
      'second init running',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [terminated('init0', 0, 'Completed'), running('init1', false)],
        },
        { inits: 2 },
      ),
      'Init:1/2',
      '0/1',
    ],
    [
      'init crash loop',
      pod({ phase: 'Pending', initContainerStatuses: [waiting('init0', 'CrashLoopBackOff')] }, { inits: 1 }),
      'Init:CrashLoopBackOff',
      '0/1',
    ],
    [
      'init failed',
      pod({ phase: 'Pending', initContainerStatuses: [terminated('init0', 1, 'Error')] }, { inits: 1 }),
      'Init:Error',
      '0/1',
    ],
    [
      'init exit code',
      pod({ phase: 'Pending', initContainerStatuses: [terminated('init0', 3)] }, { inits: 1 }),
      'Init:ExitCode:3',
      '0/1',
    ],
    [
      'init signal',
      pod(
        { phase: 'Pending', initContainerStatuses: [terminated('init0', 143, undefined, 15)] },
        { inits: 1 },
      ),
      'Init:Signal:15',
      '0/1',
    ],
    [
      'init exited 0 counts as done',
      pod({ phase: 'Pending', initContainerStatuses: [terminated('init0', 0, undefined, 15)] }, { inits: 1 }),
      'Pending',
      '0/1',
    ],
    [
      'initialized, containers starting',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [terminated('init0', 0, 'Completed')],
          containerStatuses: [waiting('c0', 'PodInitializing')],
        },
        { inits: 1 },
      ),
      'PodInitializing',
      '0/1',
    ],
    [
      'sidecar started and ready',
      pod(
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }, readyCond('True')],
          initContainerStatuses: [cs('side0', { running: {} }, { started: true, ready: true })],
          containerStatuses: [running('c0')],
        },
        { sidecars: 1 },
      ),
      'Running',
      '2/2',
    ],
    [
      'terminating',
      pod({ phase: 'Running', containerStatuses: [running('c0')] }, { deleting: true }),
      'Terminating',
      '1/1',
    ],
    [
      'terminating, finished',
      pod({ phase: 'Succeeded', containerStatuses: [terminated('c0', 0, 'Completed')] }, { deleting: true }),
      'Completed',
      '0/1',
    ],
    [
      'node lost',
      pod({ phase: 'Running', reason: 'NodeLost', containerStatuses: [running('c0')] }, { deleting: true }),
      'Unknown',
      '1/1',
    ],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted', '0/1'],
  ])('%s', (_name, p, status, ready) => {
    const s = summarizePod(p);
    expect(s.status).toBe(status);
    expect(s.ready).toBe(ready);
  });
});

describe('pod RESTARTS and cells', () => {
  it('shows the last restart time', () => {
    const p = pod({
      phase: 'Running',
      podIPs: [{ ip: '10.1.0.7' }],
      containerStatuses: [
        cs(
          'c0',
          { running: {} },
          {
            ready: true,
            restartCount: 5,
            lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:55:00Z' } },
          },
        ),
      ],
    });
    p.spec!.nodeName = 'node-1';
    expect(printPod(p, now)).toEqual([
      'p',
      '1/1',
      'Running',
      '5 (5m ago)',
      '5m',
      '10.1.0.7',
      'node-1',
      '<none>',
      '<none>',
    ]);
  });

  it('counts restarts without a known time plainly, and readiness gates', () => {
    const p = pod({
      phase: 'Running',
      conditions: [{ type: 'example.com/lb', status: 'True' }],
      containerStatuses: [cs('c0', { running: {} }, { restartCount: 2 })],
    });
    p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/other' }];
    const cells = printPod(p, now);
    expect(cells[3]).toBe('2');
    expect(cells[8]).toBe('1/2');
  });

  it('has the upstream columns', () => {
    expect(podTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
  });
});
