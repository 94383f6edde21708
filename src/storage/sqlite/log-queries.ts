import type Database from 'better-sqlite3';
import type { KeyValue, WatchEvent } from '../interface.js';
import { prefixEnd } from '../keys.js';

/** One row of `kv_log` (see schema.ts). */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

interface HistoryRow extends LogRow {
  prev_value: string | null;
}

interface RangeParams {
  prefix: string;
  end?: string;
  after?: string;
  rev: number;
  limit?: number;
}

/** The keys under a prefix (after `after`) as a SQL condition on `alias.name`, and its parameters. */
function keyRange(
  alias: string,
  prefix: string,
  after: string | undefined,
  rev: number,
): [string, RangeParams] {
  const params: RangeParams = { prefix, rev };
  let sql = `${alias}.name >= @prefix`;
  const end = prefixEnd(prefix);
  if (end !== undefined) {
    sql += ` AND ${alias}.name < @end`;
    params.end = end;
  }
  if (after !== undefined) {
    sql += ` AND ${alias}.name > @after`;
    params.after = after;
  }
  return [sql, params];
}

/**
 * The live-at-revision rows under a prefix, walked in key order: for each row of a key, an
 * index seek checks it is the key's newest at `rev`. It stops as soon as a LIMIT is reached,
 * which suits pages.
 */
function walkedRange(prefix: string, after: string | undefined, rev: number): [string, RangeParams] {
  const [keys, params] = keyRange('k', prefix, after, rev);
  const sql =
    `SELECT k.* FROM kv_log AS k WHERE ${keys} AND k.id <= @rev AND k.deleted = 0` +
    ' AND k.id = (SELECT MAX(n.id) FROM kv_log AS n WHERE n.name = k.name AND n.id <= @rev)';
  return [sql, params];
}

/**
 * The newest row id of each key under a prefix at `rev`, from the (name, id) index alone; the
 * rows themselves are then read by id. Reads every key in the range: cheaper than
 * `walkedRange` for whole lists and counts.
 */
function newestRows(prefix: string, after: string | undefined, rev: number): [string, RangeParams] {
  const [keys, params] = keyRange('n', prefix, after, rev);
  const sql =
    `SELECT n.name AS name, MAX(n.id) AS id FROM kv_log AS n WHERE ${keys} AND n.id <= @rev` +
    ' GROUP BY n.name';
  return [sql, params];
}

export function rowToKv(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

/** Turns a log row into the event its write produced. */
function rowToEvent(row: HistoryRow): WatchEvent {
  const kv = rowToKv(row);
  if (row.created === 1 && row.deleted === 0) return { type: 'create', kv };
  const prev: KeyValue = {
    key: row.name,
    // a tombstone repeats the deleted value; an update's previous value is on its prev row
    value: row.deleted === 1 ? row.value : (row.prev_value ?? ''),
    createRevision: row.create_revision,
    modRevision: row.prev_revision,
  };
  return row.deleted === 1 ? { type: 'delete', kv, prev } : { type: 'update', kv, prev };
}

/** Prepared statements over `kv_log`, reused for the life of the connection. */
export class LogQueries {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  currentRevision(): number {
    const row = this.stmt("SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'").get() as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  compactRevision(): number {
    const row = this.stmt("SELECT value FROM meta WHERE name = 'compact_revision'").get() as
      { value: number } | undefined;
    return row?.value ?? 0;
  }

  setCompactRevision(revision: number): void {
    this.stmt("UPDATE meta SET value = ? WHERE name = 'compact_revision'").run(revision);
  }

  /** The key's newest row (a tombstone when it was deleted last). */
  latest(name: string): LogRow | undefined {
    return this.stmt('SELECT * FROM kv_log WHERE name = ? ORDER BY id DESC LIMIT 1').get(name) as
      LogRow | undefined;
  }

  append(row: LogRow): void {
    this.stmt(
      `INSERT INTO kv_log (id, name, created, deleted, create_revision, prev_revision, value)
       VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value)`,
    ).run(row);
  }

  /** Live keys under `prefix` at `rev`, in key order, after `after`, at most `limit` (0: all). */
  range(prefix: string, rev: number, after: string | undefined, limit: number): LogRow[] {
    if (limit === 0) {
      const [newest, params] = newestRows(prefix, after, rev);
      const sql =
        `SELECT k.* FROM (${newest}) AS m JOIN kv_log AS k ON k.id = m.id` +
        ' WHERE k.deleted = 0 ORDER BY m.name';
      return this.stmt(sql).all(params) as LogRow[];
    }
    const [walked, params] = walkedRange(prefix, after, rev);
    params.limit = limit;
    return this.stmt(`${walked} ORDER BY k.name LIMIT @limit`).all(params) as LogRow[];
  }

  /** Number of live keys under `prefix` at `rev` that sort after `after`. */
  count(prefix: string, rev: number, after?: string): number {
    const [newest, params] = newestRows(prefix, after, rev);
    const sql = `SELECT COUNT(*) AS n FROM (${newest}) AS m JOIN kv_log AS k ON k.id = m.id WHERE k.deleted = 0`;
    return (this.stmt(sql).get(params) as { n: number }).n;
  }

  /**
   * Every write under `prefix` after revision `from`, as events in revision order. Watches
   * usually start near the head of the log, so this walks the primary key from `from` (the
   * unary `+` keeps the planner off the name index).
   */
  eventsAfter(prefix: string, from: number): WatchEvent[] {
    const params: { prefix: string; from: number; end?: string } = { prefix, from };
    let sql = `SELECT k.*, p.value AS prev_value FROM kv_log AS k
      LEFT JOIN kv_log AS p ON p.id = k.prev_revision
      WHERE k.id > @from AND +k.name >= @prefix`;
    const end = prefixEnd(prefix);
    if (end !== undefined) {
      sql += ' AND +k.name < @end';
      params.end = end;
    }
    const rows = this.stmt(`${sql} ORDER BY k.id`).all(params) as HistoryRow[];
    return rows.map(rowToEvent);
  }

  /**
   * Compacts the revisions in (from, to]: drops every row some later row at or below `to`
   * replaced, then the tombstones themselves. The row current at `to` of each live key stays.
   */
  compactRange(from: number, to: number): void {
    const params = { from, to };
    this.stmt(
      `DELETE FROM kv_log WHERE id IN
        (SELECT prev_revision FROM kv_log WHERE id > @from AND id <= @to AND prev_revision > 0)`,
    ).run(params);
    this.stmt('DELETE FROM kv_log WHERE id > @from AND id <= @to AND deleted = 1').run(params);
    this.setCompactRevision(to);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}
