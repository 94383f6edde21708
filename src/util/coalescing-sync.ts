/**
 * A sync that runs one at a time: `schedule()` runs it after a short debounce, `sync()` at once; a
 * request while one runs makes it run once more afterwards; a failed run is logged and retried.
 */
import type { Logger } from './log.js';

export interface CoalescingSyncOptions {
  run(): Promise<void>;
  logger: Logger;
  /** What the log calls it, e.g. `pod routes`. */
  what: string;
  /** Debounce of `schedule()` (default 200 ms). */
  debounceMs?: number;
  /** Delay before retrying a failed run (default 1 s). */
  retryMs?: number;
  signal: AbortSignal;
}

export interface CoalescingSync {
  schedule(): void;
  sync(): Promise<void>;
  /** Resolves once no run is in progress. */
  idle(): Promise<void>;
}

export function coalescingSync(o: CoalescingSyncOptions): CoalescingSync {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const schedule = () => {
    if (o.signal.aborted || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void sync();
    }, o.debounceMs ?? 200);
    timer.unref();
  };
  const sync = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await o.run();
        } catch (err) {
          o.logger.warn({ err: (err as Error).message }, `${o.what}: sync failed; retrying`);
          if (!o.signal.aborted) setTimeout(schedule, o.retryMs ?? 1000).unref();
        }
      } while (again && !o.signal.aborted);
    })().finally(() => (running = undefined));
    return running;
  };
  o.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return { schedule, sync, idle: async () => void (await running) };
}
