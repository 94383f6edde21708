import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EtcdStore, MemoryStore, SqliteStore, openStore } from './index.js';
import { WatchCache } from './cacher/watch-cache.js';
import { startEtcd } from './etcd/testing/etcd-process.js';

describe('openStore', () => {
  it('opens the memory store', async () => {
    const store = await openStore({ kind: 'memory' });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it('opens a SQLite file in a data directory it creates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-open-'));
    try {
      const store = await openStore({ kind: 'sqlite', path: join(dir, 'nested', 'state.db') });
      expect(store).toBeInstanceOf(SqliteStore);
      await store.create('/a', '1');
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens etcd behind a watch cache (or not), checking the endpoint answers', async () => {
    const etcd = await startEtcd();
    try {
      const store = await openStore({ kind: 'etcd', endpoints: [etcd.endpoint], prefix: '/cairn' });
      expect(store).toBeInstanceOf(WatchCache);
      expect((await store.create('/a', '1')).key).toBe('/a');
      await store.close();
      const direct = await openStore({
        kind: 'etcd',
        endpoints: [etcd.endpoint],
        prefix: '/cairn',
        watchCache: false,
      });
      expect(direct).toBeInstanceOf(EtcdStore);
      expect((await direct.get('/a'))?.value).toBe('1');
      await direct.close();
    } finally {
      await etcd.stop();
    }
  });
});
