import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactedError, type Store } from '../interface.js';
import { runStorageConformance } from '../testing/conformance.js';
import { EventRecorder } from '../testing/event-recorder.js';
import { WatchCache } from '../cacher/watch-cache.js';
import { EtcdKeys } from './etcd-keys.js';
import { EtcdStore } from './etcd-store.js';
import { openEtcdWatch } from './etcd-watch.js';
import { startEtcd, type EtcdProcess } from './testing/etcd-process.js';

// A real etcd (Debian etcd-server, see scripts/install-deps.sh). Missing etcd fails these tests.
let etcd: EtcdProcess | undefined;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.stop();
});

function endpoint(): string {
  if (etcd === undefined) throw new Error('etcd did not start');
  return etcd.endpoint;
}

runStorageConformance('etcd behind the watch cache', async () => {
  const store = await WatchCache.open(
    new EtcdStore({ endpoints: [endpoint()], prefix: `/cairn-test/${randomUUID()}` }),
  );
  return { store, cleanup: () => store.close() };
});

runStorageConformance('etcd', async () => {
  // every case gets its own key prefix on the shared etcd
  const prefix = `/cairn-test/${randomUUID()}`;
  let store: Store = new EtcdStore({ endpoints: [endpoint()], prefix });
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      store = new EtcdStore({ endpoints: [endpoint()], prefix });
      return store;
    },
    cleanup: () => store.close(),
  };
});

describe('EtcdStore', () => {
  it('isolates stores that use different key prefixes', async () => {
    const run = randomUUID();
    const a = new EtcdStore({ endpoints: [endpoint()], prefix: `/${run}/a` });
    const b = new EtcdStore({ endpoints: [endpoint()], prefix: `/${run}/b` });
    const raw = new EtcdStore({ endpoints: [endpoint()], prefix: `/${run}` });
    const recA = new EventRecorder();
    try {
      await a.watch('/registry/', await a.currentRevision(), recA.onEvent, recA.options);
      await b.create('/registry/pods/x', 'from-b');
      await a.create('/registry/pods/x', 'from-a');
      expect((await a.get('/registry/pods/x'))?.value).toBe('from-a');
      expect((await b.get('/registry/pods/x'))?.value).toBe('from-b');
      expect(await a.count('/registry/')).toBe(1);
      expect((await b.list('/registry/')).kvs.map((kv) => kv.value)).toEqual(['from-b']);
      expect((await raw.list('')).kvs.map((kv) => kv.key)).toEqual([
        '/a/registry/pods/x',
        '/b/registry/pods/x',
      ]);
      expect(await recA.waitForEvents(1)).toMatchObject([
        { type: 'create', kv: { key: '/registry/pods/x' } },
      ]);
      expect(recA.events).toHaveLength(1);
    } finally {
      recA.stop();
      await Promise.all([a.close(), b.close(), raw.close()]);
    }
  });

  it('finds a compaction made by another client', async () => {
    const prefix = `/${randomUUID()}`;
    const writer = new EtcdStore({ endpoints: [endpoint()], prefix });
    const a1 = await writer.create('/registry/a', '1');
    const a2 = await writer.update('/registry/a', '2', a1.modRevision);
    await writer.update('/registry/a', '3', a2.modRevision);
    await writer.compact(a2.modRevision);
    const other = new EtcdStore({ endpoints: [endpoint()], prefix });
    try {
      expect(await other.compactRevision()).toBe(a2.modRevision);
      const rec = new EventRecorder();
      await expect(other.watch('/registry/', a1.modRevision, rec.onEvent, rec.options)).rejects.toMatchObject(
        {
          name: 'CompactedError',
          compacted: a2.modRevision,
        },
      );
    } finally {
      await Promise.all([writer.close(), other.close()]);
    }
  });

  it('maps etcd canceling a watch for compaction to CompactedError', async () => {
    const prefix = `/${randomUUID()}`;
    const store = new EtcdStore({ endpoints: [endpoint()], prefix });
    const client = new Etcd3({ hosts: endpoint() });
    const rec = new EventRecorder();
    try {
      const a1 = await store.create('/registry/a', '1');
      const a2 = await store.update('/registry/a', '2', a1.modRevision);
      const a3 = await store.update('/registry/a', '3', a2.modRevision);
      await store.compact(a3.modRevision);
      // bypass the store's own check, as if the compaction raced the watch's creation
      const watch = openEtcdWatch({
        client,
        keys: new EtcdKeys(prefix),
        prefix: '/registry/',
        fromRevision: a1.modRevision - 1,
        onEvent: rec.onEvent,
        options: rec.options,
      });
      const err = await watch.then(() => rec.waitForError()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CompactedError);
      expect(err).toMatchObject({ requested: a1.modRevision - 1, compacted: a3.modRevision });
      expect(rec.events).toEqual([]);
    } finally {
      rec.stop();
      client.close();
      await store.close();
    }
  });

  it('reports a watch broken by etcd going away through onError', async () => {
    const own = await startEtcd();
    const store = new EtcdStore({ endpoints: [own.endpoint] });
    const rec = new EventRecorder();
    try {
      await store.watch('/', await store.currentRevision(), rec.onEvent, rec.options);
      await store.create('/a', '1');
      await rec.waitForEvents(1);
      await own.stop();
      expect(await rec.waitForError()).toBeInstanceOf(Error);
    } finally {
      rec.stop();
      await own.stop();
      await store.close();
    }
  });

  it('fails with a clear message when etcd is not installed', async () => {
    const saved = process.env['CAIRN_ETCD_BIN'];
    process.env['CAIRN_ETCD_BIN'] = '/nonexistent/etcd';
    try {
      await expect(startEtcd()).rejects.toThrow(/etcd is not installed.*install-deps\.sh/);
    } finally {
      if (saved === undefined) delete process.env['CAIRN_ETCD_BIN'];
      else process.env['CAIRN_ETCD_BIN'] = saved;
    }
  });
});
