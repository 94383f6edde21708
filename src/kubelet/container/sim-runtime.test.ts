import { describe, expect, it } from 'vitest';
import { FakeClock, SimRuntime } from './sim-runtime.js';

describe('SimRuntime', () => {
  it('runs containers on the fake clock: exit after N ms, stop, remove with the sandbox', async () => {
    const clock = new FakeClock();
    const rt = new SimRuntime({
      clock,
      behaviour: (c) => (c.metadata.name === 'once' ? { exit: { code: 0, afterMs: 1000 } } : undefined),
    });
    const sandbox = {
      metadata: { name: 'p', namespace: 'ns', uid: 'u', attempt: 0 },
      log_directory: '/logs/p',
    };
    const sid = await rt.runPodSandbox(sandbox);
    expect((await rt.podSandboxStatus(sid)).status?.network?.ip).toBe('10.244.0.1');
    const image = { image: 'localhost/busybox:latest' };
    const once = await rt.createContainer(
      sid,
      { metadata: { name: 'once', attempt: 0 }, image, log_path: 'once/0.log' },
      sandbox,
    );
    const forever = await rt.createContainer(
      sid,
      { metadata: { name: 'forever', attempt: 0 }, image },
      sandbox,
    );
    await rt.startContainer(once);
    await rt.startContainer(forever);
    clock.advance(999);
    expect((await rt.containerStatus(once)).status?.state).toBe('CONTAINER_RUNNING');
    clock.advance(1);
    const done = (await rt.containerStatus(once)).status;
    expect(done).toMatchObject({
      state: 'CONTAINER_EXITED',
      exit_code: 0,
      reason: 'Completed',
      log_path: '/logs/p/once/0.log',
    });
    await rt.stopContainer(forever, 10);
    expect((await rt.containerStatus(forever)).status).toMatchObject({ exit_code: 137, reason: 'Error' });
    await rt.removePodSandbox(sid);
    expect(await rt.listContainers()).toEqual([]);
    await expect(rt.containerStatus(once)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('pulls only pullable images', async () => {
    const rt = new SimRuntime({ clock: new FakeClock(), pullable: ['registry.local/app:1'] });
    await expect(rt.pullImage({ image: 'nope:1' })).rejects.toThrow(/failed to pull/);
    expect(await rt.pullImage({ image: 'registry.local/app:1' })).toMatch(/^sha256:/);
    expect((await rt.imageStatus({ image: 'registry.local/app:1' })).image).not.toBeNull();
  });
});
