import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { FakeClock, SimRuntime } from '../container/sim-runtime.js';
import { Backoff } from './backoff.js';
import { ensureImageExists, isLocalImage, formatPullDuration } from './image-manager.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };

describe('ensureImageExists', () => {
  it('uses a present localhost/ image even under the :latest default of Always, without pulling', async () => {
    const clock = new FakeClock();
    const runtime = new SimRuntime({ clock, images: ['localhost/busybox:latest'] });
    const res = await ensureImageExists(
      runtime,
      pod,
      { name: 'c', image: 'localhost/busybox:latest', imagePullPolicy: 'Always' },
      new Backoff(),
      clock,
    );
    expect(res).toMatchObject({ ok: true, pulled: false });
  });

  it('answers ErrImageNeverPull for a localhost/ image the node does not have', async () => {
    const clock = new FakeClock();
    const runtime = new SimRuntime({ clock, images: [] });
    const res = await ensureImageExists(
      runtime,
      pod,
      { name: 'c', image: 'localhost/missing:latest' },
      new Backoff(),
      clock,
    );
    expect(res).toMatchObject({ ok: false, reason: 'ErrImageNeverPull' });
  });

  it('still pulls registry images under Always, and backs off after a failed pull', async () => {
    const clock = new FakeClock();
    const runtime = new SimRuntime({ clock, images: [], pullable: [] });
    const backoff = new Backoff();
    const c = { name: 'c', image: 'registry.example:5000/app:latest' };
    const failed = await ensureImageExists(runtime, pod, c, backoff, clock);
    expect(failed).toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringMatching(/^rpc error: code = /),
    });
    const message = failed.ok ? '' : failed.message;
    expect(await ensureImageExists(runtime, pod, c, backoff, clock)).toEqual({
      ok: false,
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "registry.example:5000/app:latest": ErrImagePull: ${message}`,
    });
  });

  it('tells local images from registries on localhost with a port', () => {
    expect(isLocalImage('localhost/busybox:latest')).toBe(true);
    expect(isLocalImage('localhost:5000/busybox:latest')).toBe(false);
    expect(isLocalImage('docker.io/library/busybox')).toBe(false);
  });
});

describe('formatPullDuration', () => {
  it('prints durations as Go does, to the millisecond', () => {
    expect(formatPullDuration(0)).toBe('0ms');
    expect(formatPullDuration(523)).toBe('523ms');
    expect(formatPullDuration(1500)).toBe('1.5s');
    expect(formatPullDuration(15_981)).toBe('15.981s');
    expect(formatPullDuration(123_400)).toBe('2m3.4s');
  });
});
