import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePki } from '../apiserver/pki.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { BOOTSTRAP_DATA_KEY, shareBootstrapData } from './bootstrap-data.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cairn-bootstrap-data-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (dir: string, name: string) => readFile(join(dir, name), 'utf8');
const shared = ['tls/ca.crt', 'tls/ca.key', 'sa.key', 'tokens.json'];

describe('shareBootstrapData', () => {
  it('stores the first server’s secrets and gives them to the next servers', async () => {
    const store = new MemoryStore();
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    await shareBootstrapData(store, a);
    const record = JSON.parse((await store.get(BOOTSTRAP_DATA_KEY))?.value ?? '{}') as Record<string, string>;
    expect(Object.keys(record).sort()).toEqual([...shared].sort());
    for (const name of shared) expect(record[name]).toBe(await read(a, name));

    await shareBootstrapData(store, b);
    for (const name of shared) expect(await read(b, name)).toBe(await read(a, name));
    const tokens = JSON.parse(await read(b, 'tokens.json')) as Array<{ groups: string[]; node?: boolean }>;
    expect(tokens.some((t) => t.groups.includes('system:masters'))).toBe(true);
    expect(tokens.some((t) => t.node)).toBe(true);
  });

  it('replaces a joining server’s own CA, and the serving certificate made from it', async () => {
    const store = new MemoryStore();
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    await shareBootstrapData(store, a);
    const own = await ensurePki(join(b, 'tls'));
    await shareBootstrapData(store, b);
    expect(await read(b, 'tls/ca.crt')).not.toBe(own.caCert);
    expect(existsSync(join(b, 'tls/serving.crt'))).toBe(false);
    const remade = await ensurePki(join(b, 'tls'));
    expect(remade.caCert).toBe(await read(a, 'tls/ca.crt'));
    expect(remade.cert).not.toBe(own.cert);
  });

  it('keeps the data dir’s secrets when it is the first (an existing single server)', async () => {
    const a = join(root, 'a');
    const own = await ensurePki(join(a, 'tls'));
    await shareBootstrapData(new MemoryStore(), a);
    expect(await read(a, 'tls/ca.crt')).toBe(own.caCert);
    expect(await read(a, 'tls/serving.crt')).toBe(own.cert);
  });

  it('servers starting together end up with one set of secrets', async () => {
    const store = new MemoryStore();
    const dirs = ['a', 'b', 'c'].map((d) => join(root, d));
    await Promise.all(dirs.map((d) => shareBootstrapData(store, d)));
    const record = JSON.parse((await store.get(BOOTSTRAP_DATA_KEY))?.value ?? '{}') as Record<string, string>;
    for (const d of dirs) for (const name of shared) expect(await read(d, name)).toBe(record[name]);
  });
});
