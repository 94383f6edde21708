import type { Pod } from 'kubernetes-types/core/v1.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinProfiles, loadProfile, parseDuration, podBehaviour, type PodProfile } from './pod-profile.js';

const withAnnotations = (annotations: Record<string, string>): Pod => ({
  metadata: { name: 'p', annotations },
  spec: { containers: [] },
});

describe('pod profiles', () => {
  it.each([
    ['1500ms', 1500],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['250', 250],
    [0, 0],
  ])('parses the duration %j', (v, ms) => expect(parseDuration(v)).toBe(ms));

  it.each(['5x', '-1s', '', 's'])('refuses the duration %j', (v) => expect(() => parseDuration(v)).toThrow());

  it('applies annotations over the profile, and reports bad ones', () => {
    const base = builtinProfiles.default as PodProfile;
    expect(podBehaviour(withAnnotations({ 'cairn.dev/sim-crash-after': '2s' }), base).behaviour.exit).toEqual(
      {
        afterMs: 2000,
        code: 1,
      },
    );
    expect(
      podBehaviour(
        withAnnotations({ 'cairn.dev/sim-exit-after': '3s', 'cairn.dev/sim-exit-code': '7' }),
        base,
      ).behaviour.exit,
    ).toEqual({ afterMs: 3000, code: 7 });
    expect(podBehaviour(withAnnotations({ 'cairn.dev/sim-exit-code': '0' }), base).behaviour.exit).toEqual({
      afterMs: 0,
      code: 0,
    });
    const batch = podBehaviour(
      withAnnotations({ 'cairn.dev/sim-start-delay': '10s' }),
      builtinProfiles.batch as PodProfile,
    );
    expect(batch.behaviour).toMatchObject({ startDelayMs: 10_000, exit: { afterMs: 5000, code: 0 } });
    const bad = podBehaviour(withAnnotations({ 'cairn.dev/sim-exit-code': '300' }), base);
    expect(bad.behaviour.exit).toBeUndefined();
    expect(bad.errors[0]).toMatch(/sim-exit-code/);
  });

  it('loads built-in names and profile files, refusing unknown fields', async () => {
    expect((await loadProfile('batch')).exit).toEqual({ afterMs: 5000, code: 0 });
    const dir = await mkdtemp(join(tmpdir(), 'cairn-sim-profile-'));
    try {
      const file = join(dir, 'p.yaml');
      await writeFile(file, 'startDelay: 200ms\nexitAfter: 1m\nexitCode: 2\n');
      expect(await loadProfile(file)).toEqual({
        name: file,
        startDelayMs: 200,
        initContainerMs: 1000,
        exit: { afterMs: 60_000, code: 2 },
        terminationMs: 0,
      });
      await writeFile(file, 'startDelay: 1s\nrestarts: 3\n');
      await expect(loadProfile(file)).rejects.toThrow(/unknown field\(s\) restarts/);
      await expect(loadProfile(join(dir, 'missing.yaml'))).rejects.toThrow(/neither built in/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
