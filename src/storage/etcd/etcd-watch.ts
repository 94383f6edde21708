import type { Etcd3, IEvent, IWatchResponse } from 'etcd3';
import { CompactedError, type KeyValue, type WatchEvent, type WatchOptions } from '../interface.js';
import type { EtcdKeys } from './etcd-keys.js';

/**
 * One Cairn watch = one etcd watch stream, created from `fromRevision + 1` with previous
 * values. The stream is not resumed after a failure: the watcher is told through `onError`
 * and starts a new watch from the last revision it saw (as Kubernetes watchers do), which
 * keeps delivery gap-free and in order without client-side replay bookkeeping.
 */

export interface EtcdWatchRequest {
  client: Etcd3;
  keys: EtcdKeys;
  prefix: string;
  fromRevision: number;
  onEvent: (e: WatchEvent) => void;
  options: WatchOptions;
}

/** Maps one etcd event. Without a previous value (etcd may drop it) the event's own is used. */
function toWatchEvent(keys: EtcdKeys, ev: IEvent): WatchEvent {
  const kv = keys.toKv(ev.kv);
  const prev: KeyValue | undefined = ev.prev_kv ? keys.toKv(ev.prev_kv) : undefined;
  if (String(ev.type).toUpperCase() === 'DELETE') {
    const last = prev ?? kv;
    return {
      type: 'delete',
      kv: {
        key: kv.key,
        value: last.value,
        createRevision: last.createRevision,
        modRevision: kv.modRevision,
      },
      prev: last,
    };
  }
  if (ev.kv.version === '1' || kv.createRevision === kv.modRevision) return { type: 'create', kv };
  return { type: 'update', kv, prev: prev ?? kv };
}

/**
 * Opens the stream; resolves once etcd confirmed the watch. Returns a function that ends it
 * with an error (used when the store closes).
 */
export async function openEtcdWatch(req: EtcdWatchRequest): Promise<(err: Error) => void> {
  const { options, fromRevision } = req;
  const noop = (): void => undefined;
  if (options.signal.aborted) return noop;
  const stream = await req.client.watchClient.watch();
  const range = req.keys.range(req.prefix);
  return new Promise((resolve, reject) => {
    let state: 'pending' | 'open' | 'done' = 'pending';
    let watchId: string | undefined;

    const finish = (err: Error | undefined): void => {
      if (state === 'done') return;
      const wasPending = state === 'pending';
      state = 'done';
      options.signal.removeEventListener('abort', onAbort);
      try {
        if (watchId !== undefined) stream.write({ cancel_request: { watch_id: watchId } });
        stream.end();
      } catch {
        // the stream is already gone
      }
      if (wasPending) {
        if (err === undefined) resolve(noop);
        else reject(err);
      } else if (err !== undefined) {
        try {
          options.onError?.(err);
        } catch {
          // nothing more to tell a watcher whose error handler fails
        }
      }
    };
    const onAbort = (): void => finish(undefined);

    stream.on('data', (res: IWatchResponse) => {
      if (state === 'done') return;
      if (res.created && state === 'pending' && !res.canceled) {
        watchId = res.watch_id;
        state = 'open';
        resolve(finish);
      }
      if (res.canceled) {
        const compacted = Number(res.compact_revision ?? 0);
        finish(
          compacted > 0
            ? new CompactedError(fromRevision, compacted)
            : new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`),
        );
        return;
      }
      for (const ev of res.events ?? []) {
        if (state !== 'open') return;
        try {
          req.onEvent(toWatchEvent(req.keys, ev));
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    stream.on('error', (err: Error) => finish(err));
    stream.on('end', () => finish(new Error('etcd watch stream ended')));
    options.signal.addEventListener('abort', onAbort, { once: true });
    stream.write({
      create_request: { ...range, start_revision: fromRevision + 1, prev_kv: true },
    });
  });
}
