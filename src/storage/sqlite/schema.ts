import Database from 'better-sqlite3';

/**
 * On-disk layout of the SQLite store: one append-only log table where each row is one write.
 *
 *   id               the write's revision (AUTOINCREMENT: never handed out twice, even after the
 *                    newest rows are compacted away and the file is reopened)
 *   name             the key
 *   created/deleted  1 for the write that (re)created the key / for a delete tombstone
 *   create_revision  revision of the write that created this incarnation of the key
 *   prev_revision    id of the key's previous row (0 for the first), what the write replaced
 *   value            the value written; a tombstone repeats the deleted value
 *
 * A key's state at revision R is its newest row with id <= R, unless that row is a tombstone.
 * `meta` holds the compact revision.
 */

export type Synchronous = 'NORMAL' | 'FULL';

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS kv_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_log_name_id ON kv_log (name, id);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0);
`;

export function openDatabase(path: string, synchronous: Synchronous): Database.Database {
  const db = new Database(path);
  try {
    // WAL: readers never block the writer and a commit is one append to the log file.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = OFF');
    const version = db.pragma('user_version', { simple: true });
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
      throw new Error(`${path}: schema version ${version} is newer than this Cairn understands`);
    }
    db.exec(DDL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
