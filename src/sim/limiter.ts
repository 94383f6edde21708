/**
 * Bounded concurrency for API calls: at most `limit` tasks run at once, the rest wait in FIFO
 * order. Thousands of heartbeats or status writes that fall due together are queued here rather
 * than opened as thousands of simultaneous requests.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`limiter: limit must be at least 1, not ${limit}`);
  }

  /** Tasks running plus waiting. */
  get pending(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // the slot passes straight to the next waiter
      if (next) next();
      else this.running--;
    }
  }
}
