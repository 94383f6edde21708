import type { WatchEvent, WatchOptions } from '../interface.js';

/**
 * Collects a watch's events and errors so tests can wait for them with a deadline instead of
 * sleeping. Pass `recorder.onEvent` and `recorder.options` to `Store.watch`.
 */
export class EventRecorder {
  readonly events: WatchEvent[] = [];
  readonly errors: Error[] = [];
  readonly controller = new AbortController();
  private waiters: Array<() => void> = [];

  readonly onEvent = (e: WatchEvent): void => {
    this.events.push(e);
    this.wake();
  };

  get options(): WatchOptions {
    return {
      signal: this.controller.signal,
      onError: (err) => {
        this.errors.push(err);
        this.wake();
      },
    };
  }

  stop(): void {
    this.controller.abort();
  }

  /** Resolves with the first `n` events once that many arrived. */
  async waitForEvents(n: number, timeoutMs = 10_000): Promise<WatchEvent[]> {
    await this.until(
      () => this.events.length >= n,
      timeoutMs,
      () => `expected ${n} watch events, got ${this.events.length}: ${this.describe()}`,
    );
    return this.events.slice(0, n);
  }

  /** Resolves with the first error reported through `onError`. */
  async waitForError(timeoutMs = 10_000): Promise<Error> {
    await this.until(
      () => this.errors.length > 0,
      timeoutMs,
      () => 'expected the watch to report an error',
    );
    const [err] = this.errors;
    if (err === undefined) throw new Error('unreachable: no error recorded');
    return err;
  }

  /** A compact rendering such as `create /a@5, delete /a@7`, for assertion messages. */
  describe(): string {
    return this.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`).join(', ');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async until(done: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(message());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
