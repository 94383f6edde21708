import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStorageConformance } from '../testing/conformance.js';
import { KeyExistsError, RevisionConflictError } from '../interface.js';
import { EventRecorder } from '../testing/event-recorder.js';
import { SqliteStore } from './sqlite-store.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cairn-sqlite-'));
}

runStorageConformance('sqlite', async () => {
  const dir = await tempDir();
  const path = join(dir, 'state.db');
  let store = new SqliteStore({ path });
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      store = new SqliteStore({ path });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStore', () => {
  let dir = '';
  const opened: SqliteStore[] = [];
  const open = (options: Partial<ConstructorParameters<typeof SqliteStore>[0]> = {}): SqliteStore => {
    const store = new SqliteStore({ path: join(dir, 'data', 'state.db'), ...options });
    opened.push(store);
    return store;
  };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps data and continues revisions after close and reopen', async () => {
    const first = open();
    expect(await first.currentRevision()).toBe(0);
    const a = await first.create('/registry/a', 'a1');
    const a2 = await first.update('/registry/a', 'a2', a.modRevision);
    await first.create('/registry/b', 'b1');
    const bDel = await first.delete('/registry/b'); // the newest write is a delete...
    await first.compact(bDel.modRevision); // ...and compaction removes its row
    await first.close();

    const second = open();
    expect(await second.currentRevision()).toBe(bDel.modRevision);
    expect(await second.compactRevision()).toBe(bDel.modRevision);
    expect(await second.get('/registry/a')).toEqual(a2);
    expect(await second.get('/registry/b')).toBeUndefined();
    const c = await second.create('/registry/c', 'c1');
    expect(c.modRevision).toBe(bDel.modRevision + 1);
  });

  it('replays history written before a reopen, with previous values', async () => {
    const first = open();
    const a = await first.create('/registry/a', 'a1');
    const a2 = await first.update('/registry/a', 'a2', a.modRevision);
    const del = await first.delete('/registry/a');
    await first.close();
    const second = open();
    const rec = new EventRecorder();
    await second.watch('/registry/', 0, rec.onEvent, rec.options);
    expect(await rec.waitForEvents(3)).toEqual([
      { type: 'create', kv: a },
      { type: 'update', kv: a2, prev: a },
      { type: 'delete', kv: del, prev: a2 },
    ]);
    rec.stop();
  });

  it('commits the writes of one turn together, each with its own revision and outcome', async () => {
    const store = open();
    const a = await store.create('/registry/a', 'a1');
    const rec = new EventRecorder();
    await store.watch('/registry/', a.modRevision, rec.onEvent, rec.options);
    const results = await Promise.allSettled([
      store.create('/registry/b', 'b1'),
      store.update('/registry/a', 'a2', a.modRevision),
      store.update('/registry/a', 'a3', a.modRevision), // sees the update queued before it
      store.create('/registry/b', 'b2'),
      store.delete('/registry/a'),
    ]);
    const [b, a2, stale, dup, del] = results;
    expect(b).toMatchObject({ status: 'fulfilled', value: { modRevision: a.modRevision + 1 } });
    expect(a2).toMatchObject({ status: 'fulfilled', value: { value: 'a2', modRevision: a.modRevision + 2 } });
    expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(RevisionConflictError) });
    expect(dup).toMatchObject({ status: 'rejected', reason: expect.any(KeyExistsError) });
    expect(del).toMatchObject({
      status: 'fulfilled',
      value: { value: 'a2', modRevision: a.modRevision + 3 },
    });
    expect(await store.currentRevision()).toBe(a.modRevision + 3);
    expect((await rec.waitForEvents(3)).map((e) => `${e.type} ${e.kv.key} ${e.kv.modRevision}`)).toEqual([
      `create /registry/b ${a.modRevision + 1}`,
      `update /registry/a ${a.modRevision + 2}`,
      `delete /registry/a ${a.modRevision + 3}`,
    ]);
    rec.stop();
  });

  it('commits writes still queued when it closes', async () => {
    const first = open();
    const written = first.create('/registry/a', 'a1');
    await first.close();
    const kv = await written;
    const second = open();
    expect(await second.get('/registry/a')).toEqual(kv);
    await expect(first.create('/registry/b', 'b1')).rejects.toThrow(/closed/);
  });

  it('works in memory', async () => {
    const store = open({ path: ':memory:' });
    const kv = await store.create('/registry/a', '1');
    expect(await store.get('/registry/a')).toEqual(kv);
  });

  it('compacts automatically, keeping the configured number of revisions', async () => {
    const store = open({ compactIntervalMs: 10, compactRetain: 5 });
    let last = 0;
    for (let i = 0; i < 20; i++) last = (await store.create(`/registry/k${i}`, 'v')).modRevision;
    const deadline = Date.now() + 10_000;
    while ((await store.compactRevision()) < last - 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await store.compactRevision()).toBe(last - 5);
    expect(await store.count('/registry/')).toBe(20);
  });

  it('compacts a long history in batches', async () => {
    const store = open();
    let kv = await store.create('/registry/hot', '0');
    for (let i = 1; i <= 2500; i++) kv = await store.update('/registry/hot', String(i), kv.modRevision);
    await store.compact(kv.modRevision - 1);
    const rec = new EventRecorder();
    await store.watch('/registry/', kv.modRevision - 1, rec.onEvent, rec.options);
    expect((await rec.waitForEvents(1))[0]).toMatchObject({ type: 'update', prev: { value: '2499' } });
    rec.stop();
    expect((await store.list('/registry/', { revision: kv.modRevision - 1 })).kvs[0]?.value).toBe('2499');
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const path = join(dir, 'killed.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./testing/write-until-killed.ts', import.meta.url)), path],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const acked: Array<[number, number]> = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [i, rev] = line.split(' ').map(Number);
          acked.push([i ?? -1, rev ?? -1]);
        }
        if (acked.length >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    await exited;
    const store = open({ path });
    const lastRev = acked[acked.length - 1]?.[1] ?? 0;
    expect(await store.currentRevision()).toBeGreaterThanOrEqual(lastRev);
    const keys = new Set((await store.list('/registry/acked/')).kvs.map((kv) => kv.key));
    const missing = acked.filter(([i]) => !keys.has(`/registry/acked/${String(i).padStart(6, '0')}`));
    expect(missing).toEqual([]);
  });
});
