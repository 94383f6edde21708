import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock, SimRuntime } from '../container/sim-runtime.js';
import { diffRecords, GenericPLEG } from './generic.js';
import type { PodLifecycleEvent } from './pleg.js';

const rec = (state: string) => ({ podUID: 'u', state });

describe('diffRecords', () => {
  it.each([
    ['started', undefined, 'CONTAINER_RUNNING', ['ContainerStarted']],
    ['created only', undefined, 'CONTAINER_CREATED', []],
    ['died', 'CONTAINER_RUNNING', 'CONTAINER_EXITED', ['ContainerDied']],
    ['removed while running', 'CONTAINER_RUNNING', undefined, ['ContainerDied', 'ContainerRemoved']],
    ['removed after exit', 'CONTAINER_EXITED', undefined, ['ContainerRemoved']],
    ['unchanged', 'CONTAINER_RUNNING', 'CONTAINER_RUNNING', []],
  ])('%s', (_n, before, after, types) => {
    const b = new Map(before ? [['c', rec(before)]] : []);
    const a = new Map(after ? [['c', rec(after)]] : []);
    expect(diffRecords('container', b, a).map((e) => e.type)).toEqual(types);
  });
  it('sandbox changes', () => {
    const events = diffRecords(
      'sandbox',
      new Map([['s', rec('SANDBOX_READY')]]),
      new Map([['s', rec('SANDBOX_NOTREADY')]]),
    );
    expect(events).toEqual([{ type: 'SandboxChanged', podUID: 'u', sandboxID: 's' }]);
  });
});

describe('GenericPLEG', () => {
  it('relists, emits per pod and caches the pod status', async () => {
    const clock = new FakeClock();
    const runtime = new SimRuntime({ clock, behaviour: () => ({ exit: { code: 3, afterMs: 100 } }) });
    const pleg = new GenericPLEG({ runtime, clock, logger: pino({ level: 'silent' }) });
    const events: PodLifecycleEvent[] = [];
    pleg.watch((e) => events.push(e));
    const labels = { 'io.kubernetes.pod.uid': 'u1' };
    const sandboxConfig = { metadata: { name: 'p', namespace: 'ns', uid: 'u1', attempt: 0 }, labels };
    const sid = await runtime.runPodSandbox(sandboxConfig);
    const cid = await runtime.createContainer(
      sid,
      { metadata: { name: 'a', attempt: 0 }, image: { image: 'localhost/busybox:latest' }, labels },
      sandboxConfig,
    );
    await runtime.startContainer(cid);
    await pleg.relist();
    expect(events.map((e) => e.type)).toEqual(['SandboxChanged', 'ContainerStarted']);
    clock.advance(200);
    await pleg.relist();
    expect(events.at(-1)).toEqual({ type: 'ContainerDied', podUID: 'u1', containerID: cid });
    expect(pleg.getStatus('u1')?.containers[0]).toMatchObject({
      state: 'exited',
      exitCode: 3,
      reason: 'Error',
    });
    expect(pleg.podUIDs()).toEqual(['u1']);
  });
});
