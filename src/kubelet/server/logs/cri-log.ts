/**
 * The CRI log file format (what containerd writes for a container's stdout/stderr) and the
 * selection `kubectl logs` asks for, as pure functions:
 *
 *   2016-10-06T00:17:09.669794202Z stdout P part of a long li
 *   2016-10-06T00:17:09.669794203Z stdout F ne, then the newline
 *
 * One record per line: RFC 3339 nano timestamp, stream, tag (`P` a partial fragment, `F` the
 * fragment ending a line), content. Fragments of one stream are joined into one line, stamped
 * with the time of its first fragment.
 */

export type LogStream = 'stdout' | 'stderr';

export interface CriLogRecord {
  /** As written (RFC 3339 with nanoseconds). */
  timestamp: string;
  stream: LogStream;
  partial: boolean;
  content: string;
}

/** One joined output line (without its newline). */
export interface LogLine {
  timestamp: string;
  /** Milliseconds since the epoch (for since filters). */
  time: number;
  stream: LogStream;
  content: string;
}

/** The query of `GET /containerLogs` (upstream `PodLogOptions`, minus the container). */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Milliseconds since the epoch: only lines at or after it. */
  since?: number;
}

export class LogOptionsError extends Error {
  readonly code = 'InvalidLogOptions';
}

/** A record of one line of a CRI log file (no newline), or undefined when it is not one. */
export function parseCriLogLine(line: string): CriLogRecord | undefined {
  const s1 = line.indexOf(' ');
  const s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
  if (s2 < 0) return undefined;
  const timestamp = line.slice(0, s1);
  const stream = line.slice(s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // the tag (`P`/`F`, possibly `F:more`), then one space, then the content (may be empty)
  const s3 = line.indexOf(' ', s2 + 1);
  const tag = s3 < 0 ? line.slice(s2 + 1) : line.slice(s2 + 1, s3);
  const content = s3 < 0 ? '' : line.slice(s3 + 1);
  const partial = tag.split(':')[0] === 'P';
  return { timestamp, stream, partial, content };
}

/** RFC 3339 (with up to nanoseconds) → milliseconds; NaN when unparsable. */
export const parseTimestamp = (ts: string): number => Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));

/**
 * Joins records into lines. Stateful across chunks of a followed file: partial fragments wait,
 * per stream, for the record that ends them.
 */
export class LineJoiner {
  private readonly pending = new Map<LogStream, { timestamp: string; parts: string[] }>();

  push(record: CriLogRecord): LogLine | undefined {
    const open = this.pending.get(record.stream);
    if (record.partial) {
      if (open) open.parts.push(record.content);
      else this.pending.set(record.stream, { timestamp: record.timestamp, parts: [record.content] });
      return undefined;
    }
    this.pending.delete(record.stream);
    const timestamp = open?.timestamp ?? record.timestamp;
    const content = open ? [...open.parts, record.content].join('') : record.content;
    return { timestamp, time: parseTimestamp(timestamp), stream: record.stream, content };
  }

  /** What is still partial (a container that died mid-line), as lines. */
  flush(): LogLine[] {
    const out = [...this.pending.entries()].map(([stream, p]) => ({
      timestamp: p.timestamp,
      time: parseTimestamp(p.timestamp),
      stream,
      content: p.parts.join(''),
    }));
    this.pending.clear();
    return out;
  }
}

/** Splits text into complete lines and the unterminated rest (kept for the next chunk). */
export function splitLines(text: string): { lines: string[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  return { lines, rest };
}

/** Every line of a whole CRI log file's text, fragments joined (a trailing partial included). */
export function parseCriLog(text: string): LogLine[] {
  const joiner = new LineJoiner();
  const out: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const record = parseCriLogLine(raw);
    if (!record) continue;
    const line = joiner.push(record);
    if (line) out.push(line);
  }
  return [...out, ...joiner.flush()];
}

/** How a line is written to the client: content and newline, after its timestamp if asked. */
export const formatLine = (line: LogLine, timestamps: boolean): string =>
  `${timestamps ? `${line.timestamp} ` : ''}${line.content}\n`;

/** The lines `since` and `tailLines` select from a file's lines (in order). */
export function selectLines(lines: LogLine[], o: Pick<LogOptions, 'since' | 'tailLines'>): LogLine[] {
  const since = o.since;
  const recent = since === undefined ? lines : lines.filter((l) => !(l.time < since));
  if (o.tailLines === undefined) return recent;
  return o.tailLines <= 0 ? [] : recent.slice(-o.tailLines);
}

/** Counts what was written against `limitBytes`; cuts the last write at the limit. */
export class ByteLimit {
  private written = 0;
  constructor(private readonly limit: number | undefined) {}

  /** The part of `text` still allowed (maybe empty). */
  take(text: string): string {
    if (this.limit === undefined) return text;
    const left = this.limit - this.written;
    if (left <= 0) return '';
    const buf = Buffer.from(text);
    const out = buf.length <= left ? text : buf.subarray(0, left).toString();
    this.written += Math.min(buf.length, left);
    return out;
  }

  get reached(): boolean {
    return this.limit !== undefined && this.written >= this.limit;
  }
}

const bool = (q: URLSearchParams, name: string): boolean => {
  const v = q.get(name);
  return v === 'true' || v === '1' || v === '';
};

const nonNegative = (q: URLSearchParams, name: string): number | undefined => {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n))
    throw new LogOptionsError(`${name}: invalid value "${v}"`);
  if (n < 0) throw new LogOptionsError(`${name}: must be greater than or equal to 0`);
  return n;
};

/** The log options of a query (the names of upstream's `PodLogOptions`). */
export function parseLogOptions(q: URLSearchParams, now = Date.now()): LogOptions {
  const tailLines = nonNegative(q, 'tailLines');
  const limitBytes = nonNegative(q, 'limitBytes');
  const sinceSeconds = nonNegative(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== null)
    throw new LogOptionsError('at most one of sinceTime or sinceSeconds may be specified');
  if (sinceSeconds === 0) throw new LogOptionsError('sinceSeconds: must be greater than 0');
  if (limitBytes === 0) throw new LogOptionsError('limitBytes: must be greater than 0');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = now - sinceSeconds * 1000;
  if (sinceTime !== null) {
    since = parseTimestamp(sinceTime);
    if (Number.isNaN(since)) throw new LogOptionsError(`sinceTime: invalid value "${sinceTime}"`);
  }
  return {
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(since !== undefined ? { since } : {}),
  };
}
