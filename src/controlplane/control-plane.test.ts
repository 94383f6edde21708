import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRoles, startControlPlane } from './control-plane.js';

describe('parseRoles', () => {
  it.each([
    ['apiserver', ['apiserver']],
    ['scheduler,controller-manager', ['scheduler', 'controller-manager']],
    [' apiserver , scheduler,apiserver', ['apiserver', 'scheduler']],
  ])('%s', (value, want) => {
    expect(parseRoles(value)).toEqual(want);
  });

  it('refuses an unknown role by name, and none at all', () => {
    expect(() => parseRoles('apiserver,kubelet')).toThrow(/unknown role kubelet/);
    expect(() => parseRoles(',')).toThrow(/no role given/);
  });
});

describe('startControlPlane without the apiserver role', () => {
  let dataDir = '';
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-roles-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('runs the scheduler on the store, serves nothing and writes no server files', async () => {
    const cp = await startControlPlane({
      dataDir,
      roles: ['scheduler'],
      store: { kind: 'memory' },
      logger: pino({ level: 'silent' }),
      port: 0,
      bindAddress: '127.0.0.1',
    });
    try {
      expect(cp.roles).toEqual(['scheduler']);
      expect(cp.url).toBe('');
      expect(await readdir(dataDir)).toEqual([]);
      // the bootstrap objects are there: the scheduler's Lease has its namespace
      const ns = await cp.api.registry('', 'v1', 'namespaces').get('', 'kube-system');
      expect(ns.metadata?.name).toBe('kube-system');
    } finally {
      await cp.stop();
    }
  });
});
