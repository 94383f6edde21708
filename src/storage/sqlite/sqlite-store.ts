import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import {
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from '../interface.js';
import { pageLimit } from '../keys.js';
import { checkWatchRevision, readRevision, shouldCompact } from '../revisions.js';
import { WatchHub } from '../watch-hub.js';
import { LogQueries, rowToKv, type LogRow } from './log-queries.js';
import { openDatabase, type Synchronous } from './schema.js';

export interface SqliteStoreOptions {
  /** Database file (its directory is created when missing), or `:memory:`. */
  path: string;
  /**
   * SQLite `synchronous` setting. `FULL` (default) syncs the WAL on every commit, so an
   * acknowledged write survives a process kill and a power loss; `NORMAL` survives a process
   * kill (the data is in the OS page cache) but may lose the last commits on power loss.
   */
  synchronous?: Synchronous;
  /** Period of the automatic compaction; 0 or absent: off. */
  compactIntervalMs?: number;
  /** Revisions of history the automatic compaction keeps (default 1000). */
  compactRetain?: number;
  /** Where automatic compaction failures are reported. */
  logger?: { warn: (obj: object, msg: string) => void };
}

interface PendingWrite {
  plan: () => { row: LogRow; event: WatchEvent };
  resolve: (kv: KeyValue) => void;
  reject: (err: Error) => void;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** Revisions compacted per transaction, so a large compaction does not stall the event loop. */
const COMPACT_BATCH = 1000;

/**
 * The embedded default store: the kine-style log table in a local SQLite file. This process is
 * the only writer, so watches are the log read from the requested revision followed by the
 * events this process publishes as it commits. Every verb runs in one transaction; the writes
 * queued in one turn of the event loop share one (group commit), each still its own revision.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly q: LogQueries;
  private readonly hub = new WatchHub();
  private readonly timer: NodeJS.Timeout | undefined;
  private compacting: Promise<void> = Promise.resolve();
  /** Writes waiting for the next group commit (see `write`). */
  private pending: PendingWrite[] = [];
  private closed = false;

  constructor(private readonly options: SqliteStoreOptions) {
    if (options.path !== ':memory:' && !options.path.startsWith('file:')) {
      mkdirSync(dirname(options.path), { recursive: true });
    }
    this.db = openDatabase(options.path, options.synchronous ?? 'FULL');
    this.q = new LogQueries(this.db);
    const interval = options.compactIntervalMs ?? 0;
    if (interval > 0) {
      this.timer = setInterval(() => void this.autoCompact(), interval);
      this.timer.unref();
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.q.currentRevision();
  }

  async compactRevision(): Promise<number> {
    this.checkOpen();
    return this.q.compactRevision();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.q.latest(key);
    return row === undefined || row.deleted === 1 ? undefined : rowToKv(row);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const limit = pageLimit(options.limit);
    // one read transaction: the page and the count of what follows it agree
    return this.db.transaction((): ListResult => {
      const revision = readRevision(options.revision, this.q.currentRevision(), this.q.compactRevision());
      const rows = this.q.range(prefix, revision, options.startAfter, limit === 0 ? 0 : limit + 1);
      if (limit === 0 || rows.length <= limit) return { kvs: rows.map(rowToKv), revision, more: false };
      const kvs = rows.slice(0, limit).map(rowToKv);
      const remaining = this.q.count(prefix, revision, kvs[kvs.length - 1]?.key);
      return { kvs, revision, more: true, remaining };
    })();
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    return this.db.transaction(() => this.q.count(prefix, this.q.currentRevision()))();
  }

  async create(key: string, value: string): Promise<KeyValue> {
    return this.write(() => {
      const prev = this.q.latest(key);
      if (prev !== undefined && prev.deleted === 0) throw new KeyExistsError(key);
      const id = this.q.currentRevision() + 1;
      const row = this.row(id, key, 1, 0, id, prev?.id ?? 0, value);
      return { row, event: { type: 'create', kv: rowToKv(row) } };
    });
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return this.write(() => {
      const prev = this.live(key, expectedRevision);
      const row = this.row(this.q.currentRevision() + 1, key, 0, 0, prev.create_revision, prev.id, value);
      return { row, event: { type: 'update', kv: rowToKv(row), prev: rowToKv(prev) } };
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.write(() => {
      const prev = this.live(key, expectedRevision);
      const row = this.row(
        this.q.currentRevision() + 1,
        key,
        0,
        1,
        prev.create_revision,
        prev.id,
        prev.value,
      );
      return { row, event: { type: 'delete', kv: rowToKv(row), prev: rowToKv(prev) } };
    });
  }

  async watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): Promise<void> {
    this.checkOpen();
    // reading the log and subscribing happen in one synchronous step: no write can fall between
    checkWatchRevision(fromRevision, this.q.compactRevision());
    const replay = options.signal.aborted ? [] : this.q.eventsAfter(prefix, fromRevision);
    this.hub.subscribe(prefix, replay, onEvent, options);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const run = this.compacting.then(() => this.compactTo(revision));
    this.compacting = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(); // writes already accepted are committed before the database closes
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.hub.closeAll(new Error('store closed'));
    await this.compacting;
    this.db.close();
  }

  /** Compacts in batches, yielding between them; stops early when the store closes. */
  private async compactTo(revision: number): Promise<void> {
    if (this.closed) return;
    if (!shouldCompact(revision, this.q.currentRevision(), this.q.compactRevision())) return;
    let from = this.q.compactRevision();
    while (from < revision && !this.closed) {
      const to = Math.min(revision, from + COMPACT_BATCH);
      this.db.transaction(() => this.q.compactRange(from, to)).immediate();
      from = to;
      if (from < revision) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async autoCompact(): Promise<void> {
    try {
      const target = this.q.currentRevision() - (this.options.compactRetain ?? 1000);
      if (target > this.q.compactRevision()) await this.compact(target);
    } catch (err) {
      this.options.logger?.warn({ err }, 'sqlite store: automatic compaction failed');
    }
  }

  /** The key's live row, checked against `expectedRevision` when given. */
  private live(key: string, expectedRevision: number | undefined): LogRow {
    const prev = this.q.latest(key);
    if (prev === undefined || prev.deleted === 1) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && prev.id !== expectedRevision) {
      throw new RevisionConflictError(key, rowToKv(prev));
    }
    return prev;
  }

  private row(
    id: number,
    name: string,
    created: number,
    deleted: number,
    createRevision: number,
    prevRevision: number,
    value: string,
  ): LogRow {
    return {
      id,
      name,
      created,
      deleted,
      create_revision: createRevision,
      prev_revision: prevRevision,
      value,
    };
  }

  /**
   * Queues the write `plan` builds; every write queued during one turn of the event loop is
   * committed in one transaction (group commit: one WAL sync for all of them), then their events
   * are published in revision order and their promises settle. Each plan runs inside that
   * transaction after the ones queued before it, so it sees their rows (revisions, conflicts).
   */
  private write(plan: () => { row: LogRow; event: WatchEvent }): Promise<KeyValue> {
    try {
      this.checkOpen();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<KeyValue>((resolve, reject) => {
      this.pending.push({ plan, resolve, reject });
      if (this.pending.length === 1) setImmediate(this.flush);
    });
  }

  /** Commits the queued writes (see `write`). */
  private readonly flush = (): void => {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const done: { write: PendingWrite; row: LogRow; event: WatchEvent }[] = [];
    const failed: { write: PendingWrite; err: unknown }[] = [];
    try {
      this.checkOpen();
      this.db
        .transaction(() => {
          for (const write of batch) {
            try {
              const { row, event } = write.plan();
              this.q.append(row); // one statement: it fails whole, leaving nothing behind
              done.push({ write, row, event });
            } catch (err) {
              failed.push({ write, err });
            }
          }
        })
        .immediate();
    } catch (err) {
      // the transaction itself failed (BEGIN/COMMIT): nothing of the batch was written
      for (const write of batch) write.reject(asError(err));
      return;
    }
    for (const { event } of done) this.hub.publish(event);
    for (const { write, row } of done) write.resolve(rowToKv(row));
    for (const { write, err } of failed) write.reject(asError(err));
  };

  private checkOpen(): void {
    if (this.closed) throw new Error('store closed');
  }
}
