import type { WatchEvent, WatchOptions } from './interface.js';

/**
 * In-process fan-out of watch events for the backends where this process is the only writer
 * (memory, SQLite). A write publishes its event after it is committed; every subscriber whose
 * prefix matches receives it.
 *
 * Delivery goes through one queue that is never drained re-entrantly: a handler that writes to
 * the store while handling an event cannot make other subscribers see the events out of
 * revision order. A handler that throws ends its own watch (reported through `onError`). Every
 * watcher of a write receives the same event object, frozen (event and key-values) when it is
 * published, so none can alter what another one (or the store) sees, and consumers may cache
 * work per event (the registry decodes an event's object once for all its watchers).
 */

interface Subscriber {
  prefix: string;
  onEvent: (e: WatchEvent) => void;
  onError: ((err: Error) => void) | undefined;
  active: boolean;
  detach: () => void;
}

interface Delivery {
  sub: Subscriber;
  event: WatchEvent;
}

export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();
  private queue: Delivery[] = [];
  private head = 0;
  private draining = false;

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Registers a watcher. `replay` (history the backend read in the same synchronous step) is
   * delivered first, so nothing written afterwards can be missed or delivered twice.
   */
  subscribe(
    prefix: string,
    replay: readonly WatchEvent[],
    onEvent: (e: WatchEvent) => void,
    options: WatchOptions,
  ): void {
    const { signal } = options;
    if (signal.aborted) return;
    const onAbort = (): void => this.stop(sub);
    const sub: Subscriber = {
      prefix,
      onEvent,
      onError: options.onError,
      active: true,
      detach: () => signal.removeEventListener('abort', onAbort),
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.subscribers.add(sub);
    for (const event of replay) this.queue.push({ sub, event: freezeEvent(event) });
    this.drain();
  }

  publish(event: WatchEvent): void {
    freezeEvent(event);
    for (const sub of this.subscribers) {
      if (event.kv.key.startsWith(sub.prefix)) this.queue.push({ sub, event });
    }
    this.drain();
  }

  /** Ends every subscription, telling each watcher why. */
  closeAll(reason: Error): void {
    for (const sub of [...this.subscribers]) this.fail(sub, reason);
  }

  private stop(sub: Subscriber): void {
    sub.active = false;
    sub.detach();
    this.subscribers.delete(sub);
  }

  private fail(sub: Subscriber, err: Error): void {
    if (!sub.active) return;
    this.stop(sub);
    try {
      sub.onError?.(err);
    } catch {
      // the watcher's error handler failing leaves nothing more to tell it
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.head < this.queue.length) {
        const item = this.queue[this.head++];
        if (!item?.sub.active) continue;
        try {
          item.sub.onEvent(item.event);
        } catch (err) {
          this.fail(item.sub, err instanceof Error ? err : new Error(String(err)));
        }
      }
    } finally {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
      this.draining = false;
    }
  }
}

/** Freezes an event and its key-values in place (they are flat: no deeper freezing needed). */
export function freezeEvent(e: WatchEvent): WatchEvent {
  if (Object.isFrozen(e)) return e;
  Object.freeze(e.kv);
  if (e.type !== 'create') Object.freeze(e.prev);
  return Object.freeze(e);
}
