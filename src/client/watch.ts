/**
 * Watch streams: the server answers a chunked body of JSON lines `{"type", "object"}`; this turns it
 * into an async iterator of typed events that ends when the server closes the stream or the signal
 * aborts. An ERROR event carries a Status (e.g. 410 Expired when the resourceVersion is too old).
 */
import type { IncomingMessage } from 'node:http';
import type { Status } from '../apimachinery/errors.js';

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

const eventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Splits a response body into JSON lines and yields them as watch events. */
export async function* decodeWatch<T>(
  res: IncomingMessage,
  signal?: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  const stop = () => res.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  let buffered = '';
  res.setEncoding('utf8');
  try {
    for await (const chunk of res) {
      buffered += chunk as string;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) yield parseEvent<T>(line);
      }
    }
    if (buffered.trim()) yield parseEvent<T>(buffered.trim());
  } catch (err) {
    if (!signal?.aborted) throw err;
  } finally {
    signal?.removeEventListener('abort', stop);
    res.destroy();
  }
}

function parseEvent<T>(line: string): WatchEvent<T> {
  const e = JSON.parse(line) as { type?: unknown; object?: unknown };
  if (typeof e.type !== 'string' || !eventTypes.has(e.type) || typeof e.object !== 'object') {
    throw new Error(`malformed watch event: ${line.slice(0, 200)}`);
  }
  return e as WatchEvent<T>;
}
