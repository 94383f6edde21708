/**
 * The secrets every server of a cluster must agree on — the cluster CA, the service-account
 * signing key and the token file (admin and node join tokens) — kept in the store beside the
 * cluster's objects, under a key outside `/registry/` that the API never serves.
 *
 *   first server:  no record in the store → make (or take its data dir's) secrets → create the
 *                  record; losing a creation race means another server got there first: use its
 *   other servers: the record exists → write its secrets into their data dirs, replacing their own
 *
 * So servers sharing one etcd admit the same agents, verify each other's service-account tokens
 * and present certificates from one CA. With the embedded SQLite store there is one server and the
 * record only mirrors its data dir.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadTokens } from '../apiserver/authentication.js';
import { ensureCA, pkiPaths } from '../apiserver/pki.js';
import { loadOrCreateSigningKey } from '../serviceaccount/index.js';
import { KeyExistsError, type Store } from '../storage/interface.js';

export const BOOTSTRAP_DATA_KEY = '/cairn/bootstrap';

/** The shared files, by their path relative to the server dir. */
export type BootstrapData = Record<string, string>;

const sharedFiles = (serverDir: string) => {
  const tls = pkiPaths(join(serverDir, 'tls'));
  return {
    caCert: tls.caCert,
    caKey: tls.caKey,
    serviceAccountKey: join(serverDir, 'sa.key'),
    tokens: join(serverDir, 'tokens.json'),
  };
};

/**
 * Makes the data dir's shared secrets those of the cluster: reads them from the store, or puts this
 * data dir's (made now where missing) there when the store has none yet.
 */
export async function shareBootstrapData(store: Store, serverDir: string): Promise<void> {
  const files = sharedFiles(serverDir);
  for (;;) {
    const kv = await store.get(BOOTSTRAP_DATA_KEY);
    if (kv) {
      await adopt(serverDir, JSON.parse(kv.value) as BootstrapData);
      return;
    }
    await loadTokens(files.tokens);
    await ensureCA(dirname(files.caCert));
    await loadOrCreateSigningKey(files.serviceAccountKey);
    const data: BootstrapData = {};
    for (const path of Object.values(files)) data[relative(serverDir, path)] = await readFile(path, 'utf8');
    try {
      await store.create(BOOTSTRAP_DATA_KEY, JSON.stringify(data));
      return;
    } catch (err) {
      if (!(err instanceof KeyExistsError)) throw err;
      // another server stored its secrets first: take those
    }
  }
}

/** Writes the cluster's secrets into the data dir; a serving certificate from another CA goes. */
async function adopt(serverDir: string, data: BootstrapData): Promise<void> {
  const files = sharedFiles(serverDir);
  const caCertName = relative(serverDir, files.caCert);
  for (const [name, content] of Object.entries(data)) {
    const path = join(serverDir, name);
    const current = existsSync(path) ? await readFile(path, 'utf8') : undefined;
    if (current === content) continue;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, content, { mode: 0o600 });
    if (name === caCertName) {
      const tls = pkiPaths(dirname(files.caCert));
      await rm(tls.cert, { force: true });
      await rm(tls.key, { force: true });
    }
  }
}

const relative = (base: string, path: string) => path.slice(base.length + 1);
