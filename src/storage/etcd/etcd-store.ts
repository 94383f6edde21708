import { Etcd3, type IKeyValue, type IOptions, type IRangeRequest, type IRangeResponse } from 'etcd3';
import {
  CompactedError,
  FutureRevisionError,
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
import { checkWatchRevision } from '../revisions.js';
import { EtcdKeys, isCompacted, isFutureRevision } from './etcd-keys.js';
import { openEtcdWatch } from './etcd-watch.js';

export interface EtcdStoreOptions {
  /** Client URLs, e.g. `['https://10.0.0.1:2379']`. */
  endpoints: string[];
  /** TLS material (PEM) for `https` endpoints; the client pair is optional. */
  tls?: { rootCertificate: Buffer; certChain?: Buffer; privateKey?: Buffer };
  /** etcd user authentication. */
  auth?: { username: string; password: string };
  /** Prepended to every key, so several clusters can share one etcd (e.g. `/cairn-prod`). */
  prefix?: string;
  /** Connection timeout in milliseconds (default 30 s). */
  dialTimeoutMs?: number;
}

/**
 * The store on a real etcd v3 cluster. Revisions are etcd's own (shared by everything written
 * to that etcd, so they increase but may skip numbers); compare-and-swap verbs are etcd
 * transactions guarded on create/mod revisions, so concurrent API servers stay consistent.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly keys: EtcdKeys;
  /** The highest compact revision seen; a lower bound for the cluster's real one. */
  private knownCompacted = 0;
  private readonly openWatches = new Set<{ end: (err: Error) => void }>();
  private closed = false;

  constructor(options: EtcdStoreOptions) {
    const config: IOptions = { hosts: options.endpoints, dialTimeout: options.dialTimeoutMs ?? 30_000 };
    if (options.tls) config.credentials = options.tls;
    if (options.auth) config.auth = options.auth;
    this.client = new Etcd3(config);
    this.keys = new EtcdKeys(options.prefix ?? '');
  }

  async currentRevision(): Promise<number> {
    const res = await this.client.kv.range({ key: this.keys.probe(), count_only: true });
    return Number(res.header.revision);
  }

  /**
   * etcd does not report its compact revision directly: probe with reads, which fail below it.
   * One read when nothing (or only this store) compacted since; a binary search otherwise.
   */
  async compactRevision(): Promise<number> {
    const current = await this.currentRevision();
    const floor = Math.max(this.knownCompacted, 1);
    if (floor >= current || (await this.readable(floor))) return this.knownCompacted;
    let unreadable = floor;
    let readable = current;
    while (readable - unreadable > 1) {
      const mid = Math.floor((unreadable + readable) / 2);
      if (await this.readable(mid)) readable = mid;
      else unreadable = mid;
    }
    this.knownCompacted = Math.max(this.knownCompacted, readable);
    return this.knownCompacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.client.kv.range({ key: this.keys.key(key) });
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.keys.toKv(kv);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = pageLimit(options.limit);
    const revision = options.revision ?? 0;
    const req: IRangeRequest = { ...this.keys.range(prefix, options.startAfter), revision, limit };
    const res = await this.read(req, revision);
    const kvs = res.kvs.map((kv) => this.keys.toKv(kv));
    const listed = revision === 0 ? Number(res.header.revision) : revision;
    if (!res.more) return { kvs, revision: listed, more: false };
    return { kvs, revision: listed, more: true, remaining: Number(res.count) - kvs.length };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.client.kv.range({ ...this.keys.range(prefix), count_only: true });
    return Number(res.count);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.keys.key(key);
    const res = await this.client.kv.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value) } }],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    const k = this.keys.key(key);
    const res = await this.client.kv.txn({
      compare: [
        { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
        { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision },
      ],
      success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.writeRejected(key, res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]?.response_put.prev_kv;
    const revision = Number(res.header.revision);
    return { key, value, createRevision: Number(prev?.create_revision ?? revision), modRevision: revision };
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    const k = this.keys.key(key);
    const res = await this.client.kv.txn({
      compare: [
        { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
        ...(expectedRevision === undefined
          ? []
          : [{ key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedRevision }]),
      ],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.writeRejected(key, res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (prev === undefined) throw new KeyNotFoundError(key); // deleted by a racing writer
    return { ...this.keys.toKv(prev), modRevision: Number(res.header.revision) };
  }

  async watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): Promise<void> {
    if (this.closed) throw new Error('store closed');
    await this.checkWatchable(fromRevision);
    const entry = { end: (_err: Error): void => undefined };
    const forget = (): void => void this.openWatches.delete(entry);
    const tracked: WatchOptions = {
      signal: options.signal,
      onError: (err) => {
        forget();
        options.onError?.(err);
      },
    };
    entry.end = await openEtcdWatch({
      client: this.client,
      keys: this.keys,
      prefix,
      fromRevision,
      onEvent,
      options: tracked,
    });
    if (options.signal.aborted) return;
    this.openWatches.add(entry);
    options.signal.addEventListener('abort', forget, { once: true });
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision, physical: true });
      this.knownCompacted = Math.max(this.knownCompacted, revision);
    } catch (err) {
      if (isCompacted(err)) return; // at or below the cluster's compact revision already
      if (isFutureRevision(err)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.openWatches]) w.end(new Error('store closed'));
    this.openWatches.clear();
    this.client.close();
  }

  /**
   * Events above `fromRevision` must all still exist. A read at `fromRevision` fails exactly
   * when it is below the compact revision (etcd's own watch check is one revision laxer).
   */
  private async checkWatchable(fromRevision: number): Promise<void> {
    if (fromRevision === 0) return checkWatchRevision(fromRevision, await this.compactRevision());
    try {
      await this.read({ key: this.keys.probe(), count_only: true, revision: fromRevision }, fromRevision);
    } catch (err) {
      if (!(err instanceof FutureRevisionError)) throw err; // watching from the future is fine
    }
  }

  /** A range read at `revision` with etcd's revision errors mapped to the store's. */
  private async read(req: IRangeRequest, revision: number): Promise<IRangeResponse> {
    try {
      return await this.client.kv.range(req);
    } catch (err) {
      if (isCompacted(err)) throw new CompactedError(revision, await this.compactRevision());
      if (isFutureRevision(err)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw err;
    }
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: this.keys.probe(), count_only: true, revision });
      return true;
    } catch (err) {
      if (isCompacted(err)) return false;
      throw err;
    }
  }

  private writeRejected(key: string, current: IKeyValue | undefined): Error {
    return current === undefined
      ? new KeyNotFoundError(key)
      : new RevisionConflictError(key, this.keys.toKv(current));
  }
}
