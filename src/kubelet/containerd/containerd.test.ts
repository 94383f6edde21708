import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startContainerd, useContainerd } from './containerd.js';

const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-containerd-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('startContainerd failures', () => {
  it('says how to install containerd when it is missing', async () => {
    const dataDir = await tempDir();
    await expect(startContainerd({ dataDir, binary: '/nonexistent/containerd' })).rejects.toMatchObject({
      code: 'NotInstalled',
      message: expect.stringContaining('scripts/install-deps.sh'),
    });
  });

  it('reports a containerd that exits at once, with its config written and the pid file gone', async () => {
    const dataDir = await tempDir();
    const err = await startContainerd({ dataDir, binary: '/bin/false', bridge: false, adopt: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'ContainerdError', code: 'Exited' });
    expect(await readFile(join(dataDir, 'containerd', 'config.toml'), 'utf8')).toContain('version = 2');
    expect(existsSync(join(dataDir, 'containerd', 'containerd.pid'))).toBe(false);
  });
});

describe('useContainerd', () => {
  it('times out on a socket nobody serves', async () => {
    const dir = await tempDir();
    await expect(useContainerd(join(dir, 'none.sock'), { startTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'Timeout',
    });
  });
});
