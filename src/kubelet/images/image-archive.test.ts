import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dockerManifestJson,
  imageConfigJson,
  ociArchitecture,
  sha256,
  writeDockerArchive,
} from './image-archive.js';
import { busyboxImage, pauseImage } from './local-images.js';
import { parseAppletList } from './rootfs.js';

const run = promisify(execFile);
const diffId = `sha256:${'a'.repeat(64)}`;

describe('image config JSON', () => {
  it('describes the busybox image: sh by default, one layer', () => {
    const config = JSON.parse(imageConfigJson(busyboxImage().spec, diffId, 'amd64'));
    expect(config).toEqual({
      architecture: 'amd64',
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['sh'],
        WorkingDir: '/',
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: expect.stringContaining('busybox-static') }],
    });
  });

  it('describes the pause image: catatonit -P as entrypoint', () => {
    const config = JSON.parse(imageConfigJson(pauseImage().spec, diffId, 'arm64'));
    expect(config.architecture).toBe('arm64');
    expect(config.config.Entrypoint).toEqual(['/catatonit', '-P']);
    expect(config.config.Cmd).toBeUndefined();
  });

  it('is stable bytes, so the image id is too', () => {
    expect(imageConfigJson(pauseImage().spec, diffId)).toBe(imageConfigJson(pauseImage().spec, diffId));
  });

  it('maps Node architectures to OCI names', () => {
    expect([ociArchitecture('x64'), ociArchitecture('arm64'), ociArchitecture('s390x')]).toEqual([
      'amd64',
      'arm64',
      's390x',
    ]);
  });
});

describe('docker-archive manifest', () => {
  it('keeps the full name in RepoTags', () => {
    expect(JSON.parse(dockerManifestJson('localhost/pause:latest', 'abc.json', 'def/layer.tar'))).toEqual([
      { Config: 'abc.json', RepoTags: ['localhost/pause:latest'], Layers: ['def/layer.tar'] },
    ]);
  });
});

describe('writeDockerArchive', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes manifest, config and layer; the same rootfs gives the same id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-archive-'));
    dirs.push(dir);
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await writeFile(join(rootfs, 'bin', 'hello'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const spec = { name: 'localhost/test:1', cmd: ['/bin/hello'], createdBy: 'test' };
    const id = await writeDockerArchive(rootfs, spec, join(dir, 'a.tar'));
    expect(await writeDockerArchive(rootfs, spec, join(dir, 'b.tar'))).toBe(id);

    const { stdout } = await run('tar', ['-tf', join(dir, 'a.tar')]);
    const entries = stdout.trim().split('\n');
    const hex = id.slice('sha256:'.length);
    expect(entries[0]).toBe('manifest.json');
    expect(entries[1]).toBe(`${hex}.json`);
    expect(entries[2]).toMatch(/^[0-9a-f]{64}\/layer\.tar$/);
    const manifest = JSON.parse((await run('tar', ['-xOf', join(dir, 'a.tar'), 'manifest.json'])).stdout);
    expect(manifest[0].RepoTags).toEqual(['localhost/test:1']);
    const config = (await run('tar', ['-xOf', join(dir, 'a.tar'), `${hex}.json`])).stdout;
    expect(sha256(config)).toBe(hex);
    expect(JSON.parse(config).rootfs.diff_ids).toEqual([`sha256:${entries[2]!.slice(0, 64)}`]);
    const layer = await run('sh', ['-c', `tar -xOf ${join(dir, 'a.tar')} ${entries[2]} | tar -tvf -`]);
    expect(layer.stdout).toMatch(/-rwxr-xr-x 0\/0 +\d+ 1970-01-01 00:00 \.\/bin\/hello/);
  });
});

describe('parseAppletList', () => {
  it('keeps relative applet paths, never busybox itself or escapes', () => {
    expect(parseAppletList('bin/sh\n/usr/sbin/httpd\nbin/busybox\n../etc/x\n\n')).toEqual([
      'bin/sh',
      'usr/sbin/httpd',
    ]);
  });
});
