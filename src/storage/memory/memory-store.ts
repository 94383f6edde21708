import { compareKeys, pageLimit } from '../keys.js';
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
import { checkWatchRevision, readRevision, shouldCompact } from '../revisions.js';
import { WatchHub } from '../watch-hub.js';
import { compactChain, latest, valueAt, type Version } from './versions.js';

/**
 * The whole store in process memory: a version chain per key (for reads at older revisions)
 * plus the ordered event log (for watches that start in the past). Nothing survives the
 * process; meant for tests and throwaway clusters.
 */
export class MemoryStore implements Store {
  private readonly chains = new Map<string, Version[]>();
  /** Every event above the compact revision, in revision order. */
  private log: WatchEvent[] = [];
  private revision = 0;
  private compacted = 0;
  private closed = false;
  private readonly hub = new WatchHub();

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactRevision(): Promise<number> {
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return copy(this.latest(key));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = readRevision(options.revision, this.revision, this.compacted);
    const limit = pageLimit(options.limit);
    const after = options.startAfter;
    const keys = [...this.chains.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || compareKeys(k, after) > 0))
      .sort(compareKeys);
    const kvs: KeyValue[] = [];
    for (const key of keys) {
      const kv = valueAt(this.chains.get(key) ?? [], revision);
      if (kv !== undefined) kvs.push({ ...kv });
    }
    if (limit === 0 || kvs.length <= limit) return { kvs, revision, more: false };
    return { kvs: kvs.slice(0, limit), revision, more: true, remaining: kvs.length - limit };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    let n = 0;
    for (const [key, chain] of this.chains) {
      if (key.startsWith(prefix) && latest(chain) !== undefined) n++;
    }
    return n;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    if (this.latest(key) !== undefined) throw new KeyExistsError(key);
    const revision = this.revision + 1;
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.commit(key, kv, { type: 'create', kv });
    return { ...kv };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const prev = this.latest(key);
    if (prev === undefined) throw new KeyNotFoundError(key);
    if (prev.modRevision !== expectedRevision) throw new RevisionConflictError(key, { ...prev });
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: this.revision + 1 };
    this.commit(key, kv, { type: 'update', kv, prev });
    return { ...kv };
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const prev = this.latest(key);
    if (prev === undefined) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && prev.modRevision !== expectedRevision) {
      throw new RevisionConflictError(key, { ...prev });
    }
    const kv: KeyValue = { ...prev, modRevision: this.revision + 1 };
    this.commit(key, undefined, { type: 'delete', kv, prev });
    return { ...kv };
  }

  async watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): Promise<void> {
    this.checkOpen();
    checkWatchRevision(fromRevision, this.compacted);
    const replay = this.log
      .slice(this.firstLogIndexAbove(fromRevision))
      .filter((e) => e.kv.key.startsWith(prefix));
    this.hub.subscribe(prefix, replay, onEvent, options);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!shouldCompact(revision, this.revision, this.compacted)) return;
    for (const [key, chain] of this.chains) {
      const rest = compactChain(chain, revision);
      if (rest.length === 0) this.chains.delete(key);
      else this.chains.set(key, rest);
    }
    this.log = this.log.slice(this.firstLogIndexAbove(revision));
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new Error('store closed'));
  }

  private latest(key: string): KeyValue | undefined {
    const chain = this.chains.get(key);
    return chain === undefined ? undefined : latest(chain);
  }

  /** Records a write at the next revision and hands its event to the watchers. */
  private commit(key: string, kv: KeyValue | undefined, event: WatchEvent): void {
    this.revision = event.kv.modRevision;
    const version: Version = { revision: this.revision, kv };
    const chain = this.chains.get(key);
    if (chain === undefined) this.chains.set(key, [version]);
    else chain.push(version);
    this.log.push(event);
    this.hub.publish(event);
  }

  private firstLogIndexAbove(revision: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.log[mid]?.kv.modRevision ?? Infinity) <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store closed');
  }
}

function copy(kv: KeyValue | undefined): KeyValue | undefined {
  return kv === undefined ? undefined : { ...kv };
}
