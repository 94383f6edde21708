/**
 * A watch cache in front of a shared backend (upstream's cacher, for etcd): one backend watch over
 * the whole key space feeds a window of the latest events in memory, and every API watch is
 * served from that window and the live feed instead of opening its own etcd watch. Everything
 * else passes through to the backend.
 *
 *   backend watch ('' prefix) ─▶ window (last `capacity` events) ─▶ WatchHub ─▶ API watchers
 *   watch(from): from inside the window → replay the window after `from`, then live events
 *                from before the window, or the feed is down → the backend's own watch
 *
 * The window never hides compaction: compacting through the cache drops what it compacted.
 */
import {
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from '../interface.js';
import { WatchHub } from '../watch-hub.js';

export interface WatchCacheOptions {
  /** Events kept for watches that resume from a recent revision (default 4096). */
  capacity?: number;
  /** Told when the backend feed fails (it is opened again from where it stopped). */
  onFeedError?: (err: Error) => void;
  /** Delay before reopening a failed feed (default 1 s). */
  retryMs?: number;
}

export class WatchCache implements Store {
  private readonly capacity: number;
  private readonly window: WatchEvent[] = [];
  private readonly hub = new WatchHub();
  private readonly feed = new AbortController();
  /** Events with a revision above this are all in the window (or still to come): the feed's start. */
  private windowStart = 0;
  /** The revision of the latest event the feed delivered (or where it started). */
  private seen = 0;
  private live = false;

  private constructor(
    private readonly backend: Store,
    private readonly o: WatchCacheOptions,
  ) {
    this.capacity = o.capacity ?? 4096;
  }

  /** Opens the feed at the backend's current revision; watches are served from the cache at once. */
  static async open(backend: Store, options: WatchCacheOptions = {}): Promise<WatchCache> {
    const cache = new WatchCache(backend, options);
    const revision = await backend.currentRevision();
    cache.windowStart = revision;
    cache.seen = revision;
    await cache.openFeed();
    return cache;
  }

  private async openFeed(): Promise<void> {
    await this.backend.watch('', this.seen, (e) => this.onEvent(e), {
      signal: this.feed.signal,
      onError: (err) => this.onFeedError(err),
    });
    this.live = true;
  }

  private onEvent(e: WatchEvent): void {
    this.window.push(e);
    if (this.window.length > this.capacity) {
      const dropped = this.window.splice(0, this.window.length - this.capacity);
      this.windowStart = dropped[dropped.length - 1]?.kv.modRevision ?? this.windowStart;
    }
    this.seen = e.kv.modRevision;
    this.hub.publish(e);
  }

  private onFeedError(err: Error): void {
    this.live = false;
    this.o.onFeedError?.(err);
    // watchers relist or resume from their last revision (through the backend meanwhile)
    this.hub.closeAll(err);
    const retry = (): void => {
      if (this.feed.signal.aborted) return;
      this.openFeed().catch((e: Error) => {
        this.o.onFeedError?.(e);
        setTimeout(retry, this.o.retryMs ?? 1000).unref();
      });
    };
    setTimeout(retry, this.o.retryMs ?? 1000).unref();
  }

  async watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): Promise<void> {
    if (!this.live || fromRevision < this.windowStart) {
      return this.backend.watch(prefix, fromRevision, onEvent, options);
    }
    const replay = this.window.filter((e) => e.kv.modRevision > fromRevision && e.kv.key.startsWith(prefix));
    // a watcher ahead of the feed (it read the backend after the feed's latest event) skips what it has
    const ahead = fromRevision > this.seen;
    this.hub.subscribe(
      prefix,
      replay,
      ahead ? (e) => void (e.kv.modRevision > fromRevision && onEvent(e)) : onEvent,
      options,
    );
  }

  async compact(revision: number): Promise<void> {
    await this.backend.compact(revision);
    while (this.window.length && (this.window[0]?.kv.modRevision ?? 0) <= revision) this.window.shift();
    this.windowStart = Math.max(this.windowStart, revision);
  }

  async close(): Promise<void> {
    this.feed.abort();
    this.hub.closeAll(new Error('store closed'));
    await this.backend.close();
  }

  currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }
  compactRevision(): Promise<number> {
    return this.backend.compactRevision();
  }
  get(key: string): Promise<KeyValue | undefined> {
    return this.backend.get(key);
  }
  list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.backend.list(prefix, options);
  }
  count(prefix: string): Promise<number> {
    return this.backend.count(prefix);
  }
  create(key: string, value: string): Promise<KeyValue> {
    return this.backend.create(key, value);
  }
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return this.backend.update(key, value, expectedRevision);
  }
  delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.backend.delete(key, expectedRevision);
  }
}
