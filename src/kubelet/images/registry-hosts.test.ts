import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHostsToml, writeRegistryHosts } from './registry-hosts.js';

describe('registry hosts.toml', () => {
  it('points docker.io at a mirror', () => {
    expect(
      renderHostsToml({
        host: 'docker.io',
        server: 'https://registry-1.docker.io',
        mirrors: [
          { url: 'http://10.0.0.5:5000' },
          { url: 'https://m.example', capabilities: ['pull'], skipVerify: true },
        ],
      }),
    ).toBe(
      [
        '# Written by cairn: registry hosts for docker.io',
        'server = "https://registry-1.docker.io"',
        '',
        '[host."http://10.0.0.5:5000"]',
        '  capabilities = ["pull", "resolve"]',
        '',
        '[host."https://m.example"]',
        '  capabilities = ["pull"]',
        '  skip_verify = true',
        '',
      ].join('\n'),
    );
  });

  it('writes certs.d/<host>/hosts.toml and refuses odd hosts and URLs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-certs-'));
    try {
      const file = await writeRegistryHosts(dir, {
        host: 'registry.local:5000',
        server: 'http://127.0.0.1:5000',
      });
      expect(file).toBe(join(dir, 'registry.local:5000', 'hosts.toml'));
      expect(await readFile(file, 'utf8')).toContain('server = "http://127.0.0.1:5000"');
      await expect(writeRegistryHosts(dir, { host: '../etc' })).rejects.toMatchObject({
        code: 'InvalidRegistryConfig',
      });
      expect(() => renderHostsToml({ host: 'x', mirrors: [{ url: 'ftp://x' }] })).toThrow(/not http/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
