import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { describe, expect, it } from 'vitest';
import type { Api } from '../apiserver/api.js';
import type { KubeObject } from '../registry/resource.js';
import { FakeClock } from '../scheduler/testing/fake-clock.js';
import { newTestApi, silentLogger } from '../scheduler/testing/objects.js';
import { LeaderElector } from './leader-elector.js';
import { LeaseLock, microTime } from './lease-lock.js';

const getLease = async (api: Api): Promise<Lease> =>
  (await api.registry('coordination.k8s.io', 'v1', 'leases').get('kube-system', 'kube-scheduler')) as Lease;

function candidate(api: Api, clock: FakeClock, identity: string, releaseOnCancel = false) {
  const events: string[] = [];
  let leading: AbortSignal | undefined;
  const elector = new LeaderElector({
    lock: new LeaseLock(api, 'kube-system', 'kube-scheduler'),
    identity,
    logger: silentLogger,
    clock,
    random: () => 0,
    releaseOnCancel,
    callbacks: {
      onStartedLeading: (signal) => {
        leading = signal;
        events.push('started');
      },
      onStoppedLeading: () => events.push('stopped'),
    },
  });
  const abort = new AbortController();
  const done = elector.run(abort.signal);
  return { elector, events, abort, done, leading: () => leading };
}

describe('LeaderElector', () => {
  it('creates the Lease and renews it every retry period', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await clock.advance(0);
    expect(a.events).toEqual(['started']);
    const lease = await getLease(api);
    expect(lease.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: microTime(clock.now()),
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const acquired = clock.now();
    await clock.advance(2000);
    expect((await getLease(api)).spec).toMatchObject({
      acquireTime: microTime(acquired),
      renewTime: microTime(acquired + 2000),
    });
    a.abort.abort();
    await a.done;
    expect(a.events).toEqual(['started', 'stopped']);
    expect(a.leading()?.aborted).toBe(true);
  });

  it('waits while the holder renews, and takes over once the lease expired', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await clock.advance(0);
    const b = candidate(api, clock, 'b');
    await clock.advance(20_000);
    expect(b.events).toEqual([]);
    a.abort.abort(); // stops renewing without releasing
    await a.done;
    await clock.advance(14_000);
    expect(b.events).toEqual([]);
    await clock.advance(4_000);
    expect(b.events).toEqual(['started']);
    expect((await getLease(api)).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    b.abort.abort();
    await b.done;
  });

  it('hands the lease back on shutdown with releaseOnCancel', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a', true);
    await clock.advance(0);
    const b = candidate(api, clock, 'b');
    await clock.advance(0);
    a.abort.abort();
    await a.done;
    expect((await getLease(api)).spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await clock.advance(2000);
    expect(b.events).toEqual(['started']);
    b.abort.abort();
    await b.done;
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const api = await newTestApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await clock.advance(0);
    // Someone else grabs the lease behind our back.
    const leases = api.registry('coordination.k8s.io', 'v1', 'leases');
    await leases.guaranteedUpdate('kube-system', 'kube-scheduler', (obj) => {
      const l = obj as Lease;
      return {
        ...l,
        spec: { ...l.spec, holderIdentity: 'intruder', renewTime: microTime(clock.now()) },
      } as KubeObject;
    });
    await clock.advance(2000); // first failed renewal: retried every 2 s until 10 s have passed
    await clock.advance(8000);
    expect(a.events).toEqual(['started']);
    await clock.advance(2000);
    expect(a.events).toEqual(['started', 'stopped']);
    expect(a.leading()?.aborted).toBe(true);
    await a.done;
  });
});
