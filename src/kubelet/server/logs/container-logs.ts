/**
 * Serves one container's CRI log file as `kubectl logs` shows it: the selected lines of the file,
 * then, when following, whatever is appended until the container stops running or the client
 * goes away. The file is polled (no inotify: the agent may run where watches are scarce).
 */
import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ByteLimit,
  LineJoiner,
  type LogOptions,
  formatLine,
  parseCriLog,
  parseCriLogLine,
  selectLines,
  splitLines,
} from './cri-log.js';

export interface LogSink {
  write(text: string): void;
}

export interface StreamLogOptions {
  /** Still running? Checked between polls while following (default: never stops on its own). */
  running?: () => Promise<boolean>;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Writes the log at `path` to `sink` per `o`; resolves once everything asked for was written. */
export async function streamContainerLog(
  path: string,
  o: LogOptions,
  sink: LogSink,
  s: StreamLogOptions = {},
): Promise<void> {
  const limit = new ByteLimit(o.limitBytes);
  const emit = (text: string) => {
    const part = limit.take(text);
    if (part) sink.write(part);
  };
  const content = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  });
  // The whole file's complete lines now; while following, a trailing partial record waits.
  const text = content.toString();
  const end = o.follow ? text.lastIndexOf('\n') + 1 : text.length;
  for (const line of selectLines(parseCriLog(text.slice(0, end)), o)) emit(formatLine(line, o.timestamps));
  if (!o.follow || limit.reached) return;

  const joiner = new LineJoiner();
  const since = o.since;
  let offset = Buffer.byteLength(text.slice(0, end));
  let rest = '';
  const pollMs = s.pollMs ?? 200;
  const readMore = async (): Promise<void> => {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) return;
    try {
      for (;;) {
        const buf = Buffer.alloc(64 * 1024);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) return;
        offset += bytesRead;
        const split = splitLines(rest + buf.subarray(0, bytesRead).toString());
        rest = split.rest;
        for (const raw of split.lines) {
          const record = parseCriLogLine(raw);
          const line = record && joiner.push(record);
          if (line && !(since !== undefined && line.time < since)) emit(formatLine(line, o.timestamps));
        }
      }
    } finally {
      await fh.close();
    }
  };
  let lastCheck = Date.now();
  while (!s.signal?.aborted && !limit.reached) {
    await readMore();
    if (s.running && Date.now() - lastCheck >= 1000) {
      lastCheck = Date.now();
      if (!(await s.running())) {
        await readMore(); // what was written before it stopped
        return;
      }
    }
    await sleep(pollMs, undefined, s.signal ? { signal: s.signal } : {}).catch(() => undefined);
  }
}
