/**
 * WATCH: a chunked stream of JSON lines `{"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR,
 * "object": …}`.
 *
 *   resourceVersion unset/"0" → the current objects as ADDED, then changes
 *   resourceVersion N         → every change after N (410 Expired as an ERROR event when N
 *                                has been compacted away)
 *   sendInitialEvents=true    → like unset, then a BOOKMARK marked k8s.io/initial-events-end
 *   allowWatchBookmarks       → periodic BOOKMARKs carrying the latest revision seen
 */
import { StatusError, badRequest, internal } from '../../apimachinery/errors.js';
import { type KubeObject, apiVersionOf } from '../../registry/resource.js';
import type { ObjectEvent } from '../generic-registry/store.js';
import { filterFromQuery } from '../selectors.js';
import { toTable } from '../table.js';
import { includeObjectParam } from './read.js';
import type { RequestContext } from './context.js';

export interface WatchTuning {
  bookmarkIntervalMs: number;
  /** Default lifetime of a watch without timeoutSeconds. */
  defaultTimeoutMs: number;
}

/** Buffered watch output above this many characters is written without waiting for the turn to end. */
const maxPendingChars = 256 * 1024;

export const defaultWatchTuning: WatchTuning = { bookmarkIntervalMs: 30_000, defaultTimeoutMs: 30 * 60_000 };

export async function handleWatch(
  ctx: RequestContext,
  tuning: WatchTuning = defaultWatchTuning,
): Promise<void> {
  const q = ctx.query;
  const { res, req } = ctx;
  const filter = filterFromQuery(ctx.resource, q, ctx.info.name);
  const rvParam = q.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) {
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  }
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const fromRevision = sendInitial || rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? '0');
  const table = ctx.output.as === 'Table';
  const includeObject = table ? includeObjectParam(q) : 'Object';

  const abort = new AbortController();
  let lastRevision = fromRevision ?? 0;
  let firstTable = true;
  let started = false;

  // Lines written in one turn of the event loop go out as one chunk (one TLS record and
  // syscall instead of one per event); a large backlog is written at once.
  let pending = '';
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending === '' || res.writableEnded) return;
    const chunk = pending;
    pending = '';
    res.write(chunk);
  };
  const writeLine = (line: string) => {
    if (res.writableEnded) return;
    pending += line;
    if (pending.length >= maxPendingChars) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const write = (type: string, object: unknown) => writeLine(JSON.stringify({ type, object }) + '\n');
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
  };
  const render = (obj: KubeObject): unknown => {
    if (!table) return obj;
    const t = toTable(
      ctx.resource,
      [obj],
      { resourceVersion: obj.metadata?.resourceVersion ?? '' },
      {
        includeObject,
        withColumns: firstTable,
        version: ctx.output.tableVersion ?? 'v1',
      },
    );
    firstTable = false;
    return t;
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(lastRevision) };
    if (annotations) metadata.annotations = annotations;
    write('BOOKMARK', { kind: ctx.resource.kind, apiVersion: apiVersionOf(ctx.resource), metadata });
  };
  const onEvent = (e: ObjectEvent) => {
    start();
    lastRevision = Math.max(lastRevision, Number(e.object.metadata?.resourceVersion ?? 0));
    // the same text as JSON.stringify({ type, object }), with the object encoded once per write
    if (!table && e.encoded) writeLine(`{"type":"${e.type}","object":${e.encoded()}}\n`);
    else write(e.type, render(e.object));
  };
  const finish = () => {
    abort.abort();
    clearInterval(bookmarkTimer);
    clearTimeout(timeout);
    if (!res.writableEnded) {
      start();
      flush();
      res.end();
    }
  };

  const timeout = setTimeout(finish, timeoutSeconds > 0 ? timeoutSeconds * 1000 : tuning.defaultTimeoutMs);
  const bookmarkTimer = setInterval(() => {
    if (bookmarks && started) bookmark();
  }, tuning.bookmarkIntervalMs);
  req.on('close', finish);
  res.on('close', finish);

  let startRevision: number;
  try {
    startRevision = await ctx.registry.watch(
      ctx.info.namespace,
      {
        ...(filter ? { filter } : {}),
        ...(fromRevision !== undefined ? { resourceVersion: fromRevision } : {}),
        signal: abort.signal,
        readOnly: true, // objects are only rendered, never changed
        onError: (err) => {
          write('ERROR', (err instanceof StatusError ? err : internal(err.message)).status);
          finish();
        },
      },
      onEvent,
    );
  } catch (err) {
    if (err instanceof StatusError && !started) {
      // Upstream answers a watch from a compacted revision with 200 and an ERROR event.
      start();
      write('ERROR', err.status);
      finish();
      return;
    }
    finish();
    throw err;
  }
  start();
  lastRevision = Math.max(lastRevision, startRevision);
  if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
}
