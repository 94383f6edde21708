/**
 * The worker loop of a queue-driven controller: take a key, sync it, forget it on success or
 * bring it back with backoff on failure, until the signal aborts (which shuts the queue down).
 */
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../garbagecollector/work-queue.js';

export function startWorkers(
  queue: WorkQueue,
  workers: number,
  sync: (key: string) => Promise<void>,
  logger: Logger,
  signal: AbortSignal,
): void {
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        logger.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'sync failed; retrying');
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  for (let i = 0; i < workers; i++) void loop();
}

export { WorkQueue };
