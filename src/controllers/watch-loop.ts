/**
 * Level-triggered controller plumbing: keep a watch on a resource open (re-listing after an
 * error) and hand every event to the controller, until the signal aborts.
 */
import type { ObjectEvent, RegistryStore } from '../apiserver/generic-registry/store.js';
import type { Logger } from '../util/log.js';

export async function runWatch(
  registry: RegistryStore,
  signal: AbortSignal,
  logger: Logger,
  onEvent: (e: ObjectEvent) => void,
  retryMs = 1000,
): Promise<void> {
  const start = async (): Promise<void> => {
    if (signal.aborted) return;
    const inner = new AbortController();
    const stopInner = () => inner.abort();
    signal.addEventListener('abort', stopInner, { once: true });
    const restart = (err: Error) => {
      logger.warn({ err: err.message }, 'watch failed; relisting');
      inner.abort();
      signal.removeEventListener('abort', stopInner);
      setTimeout(() => void start(), retryMs).unref();
    };
    try {
      await registry.watch('', { signal: inner.signal, onError: restart }, onEvent);
    } catch (err) {
      restart(err as Error);
    }
  };
  await start();
}
