/**
 * A small reflector + informer (upstream client-go `tools/cache`): keeps a local cache of one
 * resource in step with the server and calls back on every change.
 *
 *   list ──▶ replace the cache (adds, updates, deletes for what vanished) ──▶ watch from the
 *   list's resourceVersion (bookmarks move it on) ──▶ stream ends: watch again from there
 *                       ▲                                  │ 410 Expired / any failure
 *                       └──── relist after a backoff ◀─────┘ (800 ms doubling to 30 s)
 *
 * Updates are delivered only when an object's resourceVersion changed (a relist that finds an
 * object unchanged is silent). Handlers run synchronously, in event order.
 */
import type { Logger } from '../util/log.js';
import type { KubeObject, ListOptions, ObjectList, WatchOptions } from './resource.js';
import type { WatchEvent } from './watch.js';

export interface ListerWatcher<T> {
  list(options: ListOptions): Promise<ObjectList<T>>;
  watch(options: WatchOptions): Promise<AsyncIterable<WatchEvent<T>>>;
}

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  client: ListerWatcher<T>;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  handlers: InformerHandlers<T>;
  logger?: Logger;
  /** Relist backoff: first delay and cap (default 800 ms, 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch lifetime before a plain re-watch (default 5–10 min, random as upstream). */
  watchTimeoutSeconds?: () => number;
  /** Waits `ms` or until the signal aborts (default: a real timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** `namespace/name`, or `name` for cluster-scoped objects (upstream MetaNamespaceKeyFunc). */
export const objectKey = (obj: KubeObject): string =>
  obj.metadata?.namespace
    ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}`
    : (obj.metadata?.name ?? '');

const realSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

class ExpiredError extends Error {}

export class Informer<T extends KubeObject> {
  /** The local cache, by `namespace/name`. */
  readonly store = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync: () => void = () => undefined;

  constructor(private readonly options: InformerOptions<T>) {
    this.firstSync = new Promise((resolve) => (this.resolveFirstSync = resolve));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache; the loop then runs until the signal aborts. */
  async start(signal: AbortSignal): Promise<{ stopped: Promise<void> }> {
    const stopped = this.run(signal);
    await Promise.race([this.firstSync, stopped]);
    return { stopped };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 800, maxMs: 30_000 };
    const sleep = this.options.sleep ?? realSleep;
    let delay = initialMs;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        const delivered = await this.watch(signal);
        if (delivered) delay = initialMs;
      } catch (err) {
        if (signal.aborted) break;
        this.options.logger?.warn(
          { err: (err as Error).message, expired: err instanceof ExpiredError },
          'informer: list/watch failed; relisting after a backoff',
        );
        needList = true;
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const list = await this.options.client.list({
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
      signal,
    });
    this.replace(list.items);
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    this.synced = true;
    this.resolveFirstSync();
  }

  /** Runs one watch to its end; answers whether it delivered anything. Throws to make the loop relist. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? Math.floor(300 + Math.random() * 300);
    const events = await this.options.client.watch({
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      signal,
    });
    let delivered = false;
    for await (const e of events) {
      delivered = true;
      switch (e.type) {
        case 'ERROR':
          if (e.object.code === 410) throw new ExpiredError(e.object.message);
          throw new Error(`watch error: ${e.object.message}`);
        case 'BOOKMARK':
          break;
        case 'ADDED':
        case 'MODIFIED':
          this.upsert(e.object);
          break;
        case 'DELETED':
          this.remove(e.object);
          break;
        default: {
          const never: never = e;
          throw new Error(`unknown watch event ${JSON.stringify(never)}`);
        }
      }
      const rv = e.object.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
    }
    return delivered;
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.store.get(key);
    this.store.set(key, obj);
    if (old && old.metadata?.uid !== obj.metadata?.uid) {
      // deleted and recreated under the same name while the watch was down
      this.options.handlers.onDelete?.(old);
      this.options.handlers.onAdd?.(obj);
    } else if (!old) this.options.handlers.onAdd?.(obj);
    else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      this.options.handlers.onUpdate?.(old, obj);
    }
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.store.get(key);
    this.store.delete(key);
    this.options.handlers.onDelete?.(old ?? obj);
  }

  /** Upstream's Replace: what the list has is added/updated, what the cache has beyond it is deleted. */
  private replace(items: T[]): void {
    const keep = new Set(items.map(objectKey));
    for (const [key, old] of [...this.store]) {
      if (keep.has(key)) continue;
      this.store.delete(key);
      this.options.handlers.onDelete?.(old);
    }
    for (const item of items) this.upsert(item);
  }
}
