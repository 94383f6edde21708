/**
 * Child process for the SQLite durability test: creates keys one after another and prints
 * `<index> <revision>` once each create has been acknowledged, until it is killed.
 */
import { SqliteStore } from '../sqlite-store.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: write-until-killed <db path>');
const store = new SqliteStore({ path });
for (let i = 0; ; i++) {
  const kv = await store.create(`/registry/acked/${String(i).padStart(6, '0')}`, JSON.stringify({ i }));
  // stdout is a pipe: on Linux this write is synchronous, so the parent sees only acked writes
  process.stdout.write(`${i} ${kv.modRevision}\n`);
}
