import { WatchCache } from './cacher/watch-cache.js';
import { EtcdStore, type EtcdStoreOptions } from './etcd/etcd-store.js';
import type { Store } from './interface.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export * from './interface.js';
export { EtcdStore, type EtcdStoreOptions } from './etcd/etcd-store.js';
export { MemoryStore } from './memory/memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

/** Which backend to open, and its settings. */
export type StoreOptions =
  | { kind: 'memory' }
  | ({ kind: 'sqlite' } & SqliteStoreOptions)
  | ({ kind: 'etcd'; watchCache?: boolean } & EtcdStoreOptions);

/** Automatic compaction of the embedded store unless configured otherwise: every 5 minutes. */
export const DEFAULT_SQLITE_COMPACT_INTERVAL_MS = 5 * 60_000;

/**
 * Opens the configured backend. The embedded SQLite store compacts itself periodically by
 * default (keeping the last 1000 revisions); etcd is expected to run its own compaction
 * (`--auto-compaction-retention`) or to be compacted through `Store.compact`; unless told
 * otherwise, API watches on etcd are served by a watch cache fed by one etcd watch.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  switch (options.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite': {
      const { kind: _kind, ...sqlite } = options;
      return new SqliteStore({
        ...sqlite,
        compactIntervalMs: sqlite.compactIntervalMs ?? DEFAULT_SQLITE_COMPACT_INTERVAL_MS,
      });
    }
    case 'etcd': {
      const { kind: _kind, watchCache, ...etcd } = options;
      const store = new EtcdStore(etcd);
      try {
        await store.currentRevision(); // fail fast on a wrong endpoint or credentials
      } catch (err) {
        await store.close();
        throw err;
      }
      return watchCache === false ? store : WatchCache.open(store);
    }
  }
}
