/**
 * Keeps a watch on one resource open for the scheduler (a small reflector): the current objects
 * arrive as ADDED, then changes; after every (re)list `onSync` gets the UIDs that exist, so
 * objects deleted while the watch was down can be dropped.
 */
import type { ObjectEvent, RegistryStore } from '../apiserver/generic-registry/store.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './util/clock.js';

export interface InformerHandlers {
  onEvent(e: ObjectEvent): void;
  onSync(present: Set<string>): void;
}

export async function runInformer(
  registry: RegistryStore,
  signal: AbortSignal,
  logger: Logger,
  clock: Clock,
  handlers: InformerHandlers,
  retryMs = 1000,
): Promise<void> {
  const start = async (): Promise<void> => {
    if (signal.aborted) return;
    const inner = new AbortController();
    const stopInner = () => inner.abort();
    signal.addEventListener('abort', stopInner, { once: true });
    let failed = false;
    const restart = (err: Error) => {
      if (failed || signal.aborted) return;
      failed = true;
      logger.warn({ resource: registry.resource.plural, err: err.message }, 'watch failed; relisting');
      inner.abort();
      signal.removeEventListener('abort', stopInner);
      clock.setTimer(() => void start(), retryMs);
    };
    let listing = true;
    const present = new Set<string>();
    try {
      await registry.watch('', { signal: inner.signal, onError: restart }, (e) => {
        if (listing) present.add(e.object.metadata?.uid ?? '');
        handlers.onEvent(e);
      });
      listing = false;
      handlers.onSync(present);
    } catch (err) {
      restart(err as Error);
    }
  };
  await start();
}
