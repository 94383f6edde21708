import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRegistryMirror, registryHostConfigs, writeRegistryMirrors } from './registry-mirrors.js';

describe('parseRegistryMirror', () => {
  it.each([
    ['docker.io=http://127.0.0.1:5000', { host: 'docker.io', url: 'http://127.0.0.1:5000' }],
    ['registry.example:5000=https://m.example/', { host: 'registry.example:5000', url: 'https://m.example' }],
    [
      ' quay.io = http://10.0.0.5:5000/v2-prefix ',
      { host: 'quay.io', url: 'http://10.0.0.5:5000/v2-prefix' },
    ],
  ])('parses %j', (flag, want) => {
    expect(parseRegistryMirror(flag)).toEqual(want);
  });

  it.each(['docker.io', '=http://x', 'docker.io=', 'docker.io=ftp://x', 'docker.io=127.0.0.1:5000'])(
    'refuses %j by name',
    (flag) => {
      expect(() => parseRegistryMirror(flag)).toThrow(/--registry-mirror/);
    },
  );
});

describe('registryHostConfigs', () => {
  it('groups mirrors by host, in flag order, without duplicates', () => {
    expect(
      registryHostConfigs([
        { host: 'docker.io', url: 'http://a:5000' },
        { host: 'quay.io', url: 'http://q:5000' },
        { host: 'docker.io', url: 'http://b:5000' },
        { host: 'docker.io', url: 'http://a:5000' },
      ]),
    ).toEqual([
      { host: 'docker.io', mirrors: [{ url: 'http://a:5000' }, { url: 'http://b:5000' }] },
      { host: 'quay.io', mirrors: [{ url: 'http://q:5000' }] },
    ]);
  });
});

describe('writeRegistryMirrors', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes hosts.toml per host and removes only the ones it wrote before', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-mirrors-'));
    await writeRegistryMirrors(dir, [{ host: 'old.example', url: 'http://127.0.0.1:1' }]);
    await mkdir(join(dir, 'by-hand.example'));
    await writeFile(join(dir, 'by-hand.example', 'hosts.toml'), 'server = "http://127.0.0.1:2"\n');

    const files = await writeRegistryMirrors(dir, [{ host: 'docker.io', url: 'http://127.0.0.1:5000' }]);
    expect(files).toEqual([join(dir, 'docker.io', 'hosts.toml')]);
    expect((await readdir(dir)).sort()).toEqual(['by-hand.example', 'docker.io']);
    const toml = await readFile(files[0]!, 'utf8');
    expect(toml).toContain('[host."http://127.0.0.1:5000"]');
    expect(toml).toContain('capabilities = ["pull", "resolve"]');
    // the upstream stays containerd's default (registry-1.docker.io for docker.io)
    expect(toml).not.toContain('server =');
  });

  it('refuses a host that is not host[:port]', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-mirrors-'));
    await expect(writeRegistryMirrors(dir, [{ host: 'a/b', url: 'http://x' }])).rejects.toMatchObject({
      code: 'InvalidRegistryConfig',
    });
  });
});
